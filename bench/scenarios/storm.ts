import { contestants } from '../contestants';
import type { Contestant, ContestantKey } from '../contestants';
import type { DoneCheck, Instance, Probe } from '../contestants/types';
import { conversationId } from '../fixtures';
import { formatMs, formatSize, rotated } from '../harness';
import type { PreparedBurst } from '../sender/benchServer';
import type { Context } from './context';
import { measureBurst, openInstance, profiled } from './context';
import { waitForClients } from './sockets';

/**
 * Edit and delete storm: 1,000 `message:updated` frames, then 1,000
 * `message:deleted` frames, back to back, into one conversation of 1,000 and
 * one of 50,000 (the edited and deleted messages spread evenly over it: every
 * n/1,000-th). Each phase is timed like a burst, from its first frame until
 * the state shows its last change; the figure is the time per frame.
 *
 * Each phase goes out in two parts: a pilot of the first 5% of its frames,
 * then the rest. A contestant whose pilot shows that the whole phase would
 * take longer than the cap is not sent the rest: its figure is the pilot's
 * time per frame (marked "from the pilot"). The per-frame peers also stop
 * at a short cap inside the pilot (a lower bound, marked "≥"); a capped edit
 * phase skips the deletions.
 */

export interface StormPhase {
  /** Time of the frames measured (pilot, or pilot + rest), ms. */
  ms: number;
  /** Frames that time covers. */
  frames: number;
  /** Stopped at the cap: `ms / frames` is a lower bound per frame. */
  capped: boolean;
  /** Only the pilot ran (the rest would have taken longer than the cap). */
  pilotOnly: boolean;
}

export interface StormSample {
  edits: StormPhase;
  /** Null when the edits were capped (the deletions would start from another state). */
  deletes: StormPhase | null;
}

export interface StormStore {
  size: number;
  samples: Partial<Record<ContestantKey, StormSample[]>>;
}

export interface StormResults {
  edits: number;
  pilot: number;
  stores: StormStore[];
}

const CONVERSATION = 0;

type Kind = 'updated' | 'deleted';
type Prepared = Record<Kind, { pilot: PreparedBurst; rest: PreparedBurst | null }>;

const key = (size: number, kind: Kind, part: 'pilot' | 'rest') => `${kind}-${size}-${part}`;

async function phase(
  context: Context,
  instance: Instance,
  probe: Probe,
  size: number,
  kind: Kind,
  prepared: Prepared,
  capMs: number,
): Promise<StormPhase> {
  const id = conversationId(CONVERSATION);
  const checkFor = (burst: PreparedBurst): DoneCheck =>
    kind === 'updated'
      ? { kind: 'updated', conversationId: id, id: burst.lastId, text: burst.lastText }
      : { kind: 'deleted', conversationId: id, id: burst.lastId };
  const { pilot, rest } = prepared[kind];
  const first = await measureBurst(
    context,
    instance,
    probe,
    key(size, kind, 'pilot'),
    pilot.frames,
    checkFor(pilot),
    capMs,
  );
  if (first.capped) return { ms: first.ms, frames: first.applied, capped: true, pilotOnly: true };
  const total = pilot.frames + (rest?.frames ?? 0);
  if (!rest || (first.ms / pilot.frames) * total > capMs)
    return { ms: first.ms, frames: pilot.frames, capped: false, pilotOnly: rest !== null };
  const second = await measureBurst(
    context,
    instance,
    probe,
    key(size, kind, 'rest'),
    rest.frames,
    checkFor(rest),
    capMs,
  );
  if (second.capped)
    return {
      ms: first.ms + second.ms,
      frames: pilot.frames + second.applied,
      capped: true,
      pilotOnly: false,
    };
  return { ms: first.ms + second.ms, frames: total, capped: false, pilotOnly: false };
}

async function oneStorm(
  context: Context,
  contestant: Contestant,
  size: number,
  prepared: Prepared,
): Promise<StormSample> {
  const { peerCapMs, capMs, large } = context.sizes.storm;
  const cap = contestant.perFrame ? peerCapMs : capMs;
  const { instance, probe } = await openInstance(context, contestant, {
    conversations: [{ id: conversationId(CONVERSATION), history: size }],
  });
  try {
    await waitForClients(context, CONVERSATION, 1);
    const label = size === large ? 'large' : 'small';
    return await profiled(context, 'storm', contestant.key, label, async () => {
      const edits = await phase(context, instance, probe, size, 'updated', prepared, cap);
      if (edits.capped) return { edits, deletes: null };
      const deletes = await phase(context, instance, probe, size, 'deleted', prepared, cap);
      return { edits, deletes };
    });
  } finally {
    await instance.close();
    await waitForClients(context, CONVERSATION, 0);
  }
}

export function describePhase(outcome: StormPhase | null): string {
  if (!outcome) return 'not run';
  const perFrame = formatMs(outcome.ms / outcome.frames);
  if (outcome.capped) return `≥ ${perFrame} per frame (capped after ${outcome.frames})`;
  if (outcome.pilotOnly) return `${perFrame} per frame (from the pilot of ${outcome.frames})`;
  return `${perFrame} per frame`;
}

export async function runStorm(context: Context): Promise<StormResults> {
  const { edits, small, large, runs } = context.sizes.storm;
  const pilot = Math.max(1, Math.round(edits / 20));
  const stores: StormStore[] = [];
  for (const size of [small, large]) {
    await context.sender.call('scene', { conversations: [{ index: CONVERSATION, history: size }] });
    const stride = Math.max(1, Math.floor(size / edits));
    const prepare = async (kind: Kind) => {
      const part = (which: 'pilot' | 'rest', offset: number, count: number) =>
        context.sender.call('prepare', {
          burst: {
            key: key(size, kind, which),
            conversation: CONVERSATION,
            kind,
            count,
            stride,
            offset,
          },
        });
      return {
        pilot: await part('pilot', 0, pilot),
        rest: edits > pilot ? await part('rest', pilot, edits - pilot) : null,
      };
    };
    const prepared: Prepared = {
      updated: await prepare('updated'),
      deleted: await prepare('deleted'),
    };
    const store: StormStore = { size, samples: {} };
    for (let round = 0; round < runs; round++) {
      for (const contestant of rotated(contestants, round)) {
        // The per-frame peers once: they are slow and far from the others.
        if (contestant.perFrame && round > 0) continue;
        const sample = await oneStorm(context, contestant, size, prepared);
        (store.samples[contestant.key] ??= []).push(sample);
        context.log(
          `storm into ${formatSize(size)}: ${contestant.key} edits ${describePhase(sample.edits)}, ` +
            `deletes ${describePhase(sample.deletes)}`,
        );
      }
    }
    stores.push(store);
  }
  return { edits, pilot, stores };
}
