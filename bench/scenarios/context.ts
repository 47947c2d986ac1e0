import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import type { Contestant, ContestantKey } from '../contestants';
import { Probe } from '../contestants/types';
import type { DoneCheck, Instance, OpenOptions, Target } from '../contestants/types';
import { BENCH_TOKEN, BENCH_USER_ID } from '../fixtures';
import { settleHeap } from '../harness';
import type { SenderProcess } from '../sender/client';
import type { Sizes } from '../sizes';

/** What every scenario is given. */
export interface Context {
  sender: SenderProcess;
  sizes: Sizes;
  quick: boolean;
  log(line: string): void;
  /** `--profile=<scenario>`: CPU profiles of the package's timed parts go to `profileDir`. */
  profile: string | null;
  profileDir: string;
  root: string;
}

export const benchTarget = (context: Context): Target => ({
  httpUrl: context.sender.url,
  token: BENCH_TOKEN,
  userId: BENCH_USER_ID,
});

/** An instance of `contestant` on the bench server, with a fresh probe. */
export async function openInstance(
  context: Context,
  contestant: Contestant,
  options: Omit<OpenOptions, 'target' | 'probe'> & { target?: Target },
): Promise<{ instance: Instance; probe: Probe }> {
  const probe = new Probe();
  const instance = await contestant.open({ target: benchTarget(context), ...options, probe });
  return { instance, probe };
}

let session: Session | null = null;

/**
 * Runs `work`, under the CPU profiler when this scenario is being profiled
 * and the contestant is the package; writes `<scenario>-<label>.cpuprofile`.
 */
export async function profiled<Result>(
  context: Context,
  scenario: string,
  key: ContestantKey,
  label: string,
  work: () => Promise<Result>,
): Promise<Result> {
  if (context.profile !== scenario || key !== 'package') return work();
  if (!session) {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
  }
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(context.profileDir, { recursive: true });
    const file = path.join(context.profileDir, `${scenario}-${label}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    context.log(`  profile written: ${path.relative(context.root, file)}`);
  }
}

/** How a burst ended. */
export interface BurstOutcome {
  /** From the first frame's arrival until the state held the last change (ms). */
  ms: number;
  /** The contestant hit its time cap: `ms` covers only `applied` of the frames. */
  capped: boolean;
  applied: number;
  frames: number;
}

/**
 * Writes a prepared burst (`key`) and waits until `check` holds after a state
 * change, or until `capMs` after the first frame: then the probe tells the
 * contestant to drop the rest, and the outcome says how many frames it had
 * applied (each per-frame contestant applies a frame in the socket event that
 * the probe counts).
 */
export async function measureBurst(
  context: Context,
  instance: Instance,
  probe: Probe,
  key: string,
  frames: number,
  check: DoneCheck,
  capMs: number,
): Promise<BurstOutcome> {
  probe.reset();
  settleHeap();
  let settle: (outcome: BurstOutcome) => void = () => undefined;
  const outcome = new Promise<BurstOutcome>((resolve) => (settle = resolve));
  let finished = false;
  const finish = (capped: boolean) => {
    finished = true;
    const applied = capped ? Math.max(1, probe.frames - 1) : frames;
    if (capped) probe.aborted = true;
    settle({ ms: performance.now() - probe.firstFrameAt, capped, applied, frames });
  };
  const stop = instance.onChange(() => {
    if (finished) return;
    if (instance.isDone(check)) finish(false);
    else if (performance.now() - probe.firstFrameAt > capMs) finish(true);
  });
  // A contestant that stopped changing state (a lost frame) must not hang the run.
  const watchdog = setInterval(() => {
    if (!finished && performance.now() - probe.firstFrameAt > capMs + 30_000) finish(true);
  }, 250);
  try {
    const clients = await context.sender.call('go', { key });
    if (clients !== 1) throw new Error(`burst ${key}: ${clients} sockets got it, expected 1`);
    return await outcome;
  } finally {
    clearInterval(watchdog);
    stop();
  }
}
