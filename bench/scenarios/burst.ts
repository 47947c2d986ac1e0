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
 * figure is a lower bound: the time so far, scaled to all frames (a frame
 * costs them at least as much as the ones before it, since the store only
 * grows). The largest burst of the peers is not run: its first frames are
 * the same work as the middle burst's, so the middle burst's rate scaled to
 * it is the lower bound.
 */

export interface BurstSample extends BurstOutcome {
  /** The whole burst's time: `ms`, or for a capped run `ms × frames / applied` (a lower bound). */
  estimateMs: number;
  /** Estimated from another burst size (the peers' largest burst). */
  extrapolatedFrom: number | null;
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
      extrapolatedFrom: null,
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
        if (size === 2) {
          // Scaled from the middle burst into the same store (see the file comment).
          const middle = cells.find((c) => c.prior === prior && c.frames === frames[1]);
          const measured = middle?.samples[peer.key]?.[0];
          if (!measured) continue;
          const perFrame = measured.estimateMs / measured.frames;
          cell.samples[peer.key] = [
            {
              ...measured,
              capped: true,
              estimateMs: perFrame * count,
              extrapolatedFrom: measured.frames,
              frames: count,
            },
          ];
          context.log(
            `${title}: ${peer.key}: ≥ ${formatMs(perFrame * count)} (from ${formatSize(measured.frames)})`,
          );
          continue;
        }
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
  return { cells };
}
