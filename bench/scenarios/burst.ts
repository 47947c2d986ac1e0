import { contestants } from '../contestants';
import type { Contestant, ContestantKey } from '../contestants';
import { conversationId } from '../fixtures';
import { formatMs, formatSize, rotated, until } from '../harness';
import { measureBurst, openInstance, profiled } from './context';
import type { BurstOutcome, Context } from './context';
import { waitForClients } from './sockets';

/**
 * Burst ingest: k `message:new` frames written back to back into a
 * conversation that already holds n messages (loaded as each contestant
 * loads history), from the first frame's arrival until the state holds the
 * last one. The fast contestants run interleaved in rounds; the per-frame
 * peers (2–4) run once per cell with a time cap, and where they hit it their
 * figure is a lower bound (see `peerLowerBound`). The peers' largest burst is
 * not run: its first frames are the same work as the middle burst's, and the
 * rest is bounded the same way.
 */

export interface BurstSample extends BurstOutcome {
  /** The whole burst's time: `ms`, or for a capped run `ms × frames / applied` (a lower bound). */
  estimateMs: number;
  /** Not run (the peers' largest burst): the figure is the lower bound from the other runs. */
  notRun: boolean;
  /** Messages of the conversation in the state afterwards. */
  stored: number;
}

export interface BurstCell {
  frames: number;
  prior: number;
  /** In round order: sample i of two fast contestants ran in the same round. */
  samples: Partial<Record<ContestantKey, BurstSample[]>>;
}

export interface BurstResults {
  cells: BurstCell[];
}

const CONVERSATION = 0;

async function oneBurst(
  context: Context,
  contestant: Contestant,
  cell: { frames: number; prior: number; key: string; lastId: string },
  capMs: number,
): Promise<BurstSample> {
  const id = conversationId(CONVERSATION);
  const { instance, probe } = await openInstance(context, contestant, {
    conversations: [{ id, history: cell.prior }],
  });
  try {
    await waitForClients(context, CONVERSATION, 1);
    const label = `${formatSize(cell.frames)}-into-${formatSize(cell.prior)}`;
    const outcome = await profiled(context, 'burst', contestant.key, label, () =>
      measureBurst(
        context,
        instance,
        probe,
        cell.key,
        cell.frames,
        { kind: 'new', conversationId: id, id: cell.lastId },
        capMs,
      ),
    );
    if (!outcome.capped) await until(() => instance.count(id) > 0, 'the state to settle');
    return {
      ...outcome,
      estimateMs: outcome.capped ? (outcome.ms * outcome.frames) / outcome.applied : outcome.ms,
      notRun: false,
      stored: instance.count(id),
    };
  } finally {
    await instance.close();
    await waitForClients(context, CONVERSATION, 0);
  }
}

function describe(sample: BurstSample): string {
  return sample.capped
    ? `≥ ${formatMs(sample.estimateMs)} (capped after ${sample.applied} frames in ${formatMs(sample.ms)})`
    : formatMs(sample.ms);
}

export async function runBurst(context: Context): Promise<BurstResults> {
  const { frames, priors, runs, warmup, peerCapMs, capMs } = context.sizes.burst;
  const fast = contestants.filter((contestant) => !contestant.perFrame);
  const peers = contestants.filter((contestant) => contestant.perFrame);
  const cells: BurstCell[] = [];
  let peersWarm = false;

  for (const prior of priors) {
    await context.sender.call('scene', {
      conversations: [{ index: CONVERSATION, history: prior }],
    });
    for (const [size, count] of frames.entries()) {
      const key = `burst-${count}`;
      const prepared = await context.sender.call('prepare', {
        burst: { key, conversation: CONVERSATION, kind: 'new', count },
      });
      const cellInfo = { frames: count, prior, key, lastId: prepared.lastId };
      const cell: BurstCell = { frames: count, prior, samples: {} };
      const title = `burst ${formatSize(count)} into ${formatSize(prior)}`;
      const warm = warmup[size] ? 1 : 0;
      const rounds = warm + (runs[size] ?? 1);
      for (let round = 0; round < rounds; round++) {
        for (const contestant of rotated(fast, round)) {
          const sample = await oneBurst(context, contestant, cellInfo, capMs);
          const what = round < warm ? 'warm-up' : `run ${round - warm + 1}/${rounds - warm}`;
          context.log(`${title}: ${contestant.key} ${what}: ${describe(sample)}`);
          if (round >= warm) (cell.samples[contestant.key] ??= []).push(sample);
        }
      }
      for (const peer of peers) {
        if (size === 2) continue;
        if (!peersWarm && warmup[0]) {
          await oneBurst(context, peer, cellInfo, peerCapMs);
        }
        const sample = await oneBurst(context, peer, cellInfo, peerCapMs);
        context.log(`${title}: ${peer.key}: ${describe(sample)}`);
        cell.samples[peer.key] = [sample];
      }
      peersWarm = true;
      cells.push(cell);
    }
  }
  boundPeers(
    cells,
    peers.map((peer) => peer.key),
    frames[2],
  );
  for (const cell of cells.filter((c) => c.frames === frames[2]))
    for (const peer of peers)
      context.log(
        `burst ${formatSize(cell.frames)} into ${formatSize(cell.prior)}: ${peer.key}: ` +
          `≥ ${formatMs(cell.samples[peer.key]?.[0]?.estimateMs ?? Number.NaN)} (not run: bounded by its other runs)`,
      );
  return { cells };
}

/** One timed run of a per-frame peer: `applied` frames into a store of `prior`, in `ms`. */
export interface PeerRun {
  prior: number;
  applied: number;
  ms: number;
}

/**
 * A lower bound of a per-frame peer's time for `frames` frames into a store
 * of `prior`, from its timed runs. It rests on one fact: a peer's cost per
 * frame never falls as its store grows (each dispatch copies or re-sorts
 * more). The first frames cost what `own` (this cell's capped run) took, or
 * else the longest run into the same store (the same frames into the same
 * store), never scaled down; a later frame, at store size x, costs at least
 * the average per frame of any run that ended at a store size ≤ x.
 */
export function peerLowerBound(
  runs: readonly PeerRun[],
  prior: number,
  frames: number,
  own?: PeerRun,
): number {
  const first =
    own ??
    runs
      .filter((run) => run.prior === prior && run.applied <= frames)
      .sort((a, b) => b.applied - a.applied)[0];
  let total = first?.ms ?? 0;
  const end = prior + frames;
  let at = prior + (first?.applied ?? 0);
  const steps = runs
    .map((run) => ({ from: run.prior + run.applied, rate: run.ms / run.applied }))
    .sort((a, b) => a.from - b.from);
  let rate = 0;
  for (const step of steps) {
    if (step.from > at) {
      if (step.from >= end) break;
      total += rate * (step.from - at);
      at = step.from;
    }
    rate = Math.max(rate, step.rate);
  }
  return total + rate * Math.max(0, end - at);
}

/** Replaces the peers' capped figures by their lower bounds, and fills their largest bursts. */
function boundPeers(cells: BurstCell[], peers: readonly ContestantKey[], largest: number): void {
  for (const key of peers) {
    const runs: PeerRun[] = cells.flatMap((cell) =>
      (cell.samples[key] ?? []).map((sample) => ({
        prior: cell.prior,
        applied: sample.applied,
        ms: sample.ms,
      })),
    );
    for (const cell of cells) {
      const sample = cell.samples[key]?.[0];
      if (cell.frames === largest) {
        const estimateMs = peerLowerBound(runs, cell.prior, cell.frames);
        cell.samples[key] = [
          {
            ms: Number.NaN,
            capped: true,
            applied: 0,
            frames: cell.frames,
            estimateMs,
            notRun: true,
            stored: Number.NaN,
          },
        ];
      } else if (sample?.capped) {
        const own = { prior: cell.prior, applied: sample.applied, ms: sample.ms };
        sample.estimateMs = peerLowerBound(runs, cell.prior, cell.frames, own);
      }
    }
  }
}
