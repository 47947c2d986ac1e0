import { performance } from 'node:perf_hooks';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { contestants } from '../contestants';
import type { ContestantKey } from '../contestants';
import type { Instance, Probe } from '../contestants/types';
import { conversationId, messageId } from '../fixtures';
import { formatMs, median, rotated, settleHeap, sleep } from '../harness';
import type { Context } from './context';
import { openInstance, profiled } from './context';
import { waitForClients } from './sockets';

/**
 * One live message: a single `message:new` frame at a time into a store that
 * holds (a) one conversation of 1,000, (b) 50 conversations of 1,000 (the
 * frame goes to one of them) and (c) one conversation of 50,000. The cost of
 * a message is the event loop's busy time from the frame's arrival until the
 * state holds it and the macrotask that put it there has finished
 * (`performance.eventLoopUtilization()`): CPU work only, not the package's
 * wait for its batching timer, and none of the sender's work.
 */

export type LiveStoreName = 'alone' | 'shared' | 'long';

export interface LiveSeries {
  /** Busy time per message (ms), warm-up excluded. */
  costs: number[];
  /** Arrival → in the state, wall clock (ms), including any batching wait. */
  walls: number[];
}

export interface LiveStore {
  name: LiveStoreName;
  conversations: number;
  perConversation: number;
  results: Partial<Record<ContestantKey, LiveSeries>>;
}

export interface LiveResults {
  stores: LiveStore[];
}

async function series(
  context: Context,
  instance: Instance,
  probe: Probe,
  target: number,
  history: number,
): Promise<LiveSeries> {
  const { messages, warmup } = context.sizes.live;
  const costs: number[] = [];
  const walls: number[] = [];
  probe.trackElu = true;
  settleHeap();
  for (let i = 0; i < warmup + messages; i++) {
    probe.reset();
    const seq = history + i;
    const check = {
      kind: 'new',
      conversationId: conversationId(target),
      id: messageId(target, seq),
    } as const;
    const landed = new Promise<{ elu: EventLoopUtilization; at: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`live message ${seq} never landed`)), 10_000);
      const stop = instance.onChange(() => {
        if (!instance.isDone(check)) return;
        stop();
        clearTimeout(timer);
        const at = performance.now();
        // After the rest of the macrotask that applied it.
        setImmediate(() => resolve({ elu: performance.eventLoopUtilization(), at }));
      });
    });
    const { clients } = await context.sender.call('live', {
      conversation: target,
      seq,
      delayMs: 3,
    });
    if (clients !== 1) throw new Error(`live: ${clients} sockets got the frame`);
    const { elu, at } = await landed;
    const arrival = probe.lastFrameElu;
    if (!arrival) throw new Error('live: the frame was not seen arriving');
    if (i >= warmup) {
      costs.push(elu.active - arrival.active);
      walls.push(at - probe.lastFrameAt);
    }
    await sleep(2);
  }
  probe.trackElu = false;
  return { costs, walls };
}

export async function runLive(context: Context): Promise<LiveResults> {
  const { conversationSize, conversations, large } = context.sizes.live;
  const plans: Array<{
    name: LiveStoreName;
    conversations: number;
    perConversation: number;
    target: number;
  }> = [
    { name: 'alone', conversations: 1, perConversation: conversationSize, target: 0 },
    {
      name: 'shared',
      conversations,
      perConversation: conversationSize,
      target: conversations >> 1,
    },
    { name: 'long', conversations: 1, perConversation: large, target: 0 },
  ];
  const stores: LiveStore[] = [];
  for (const [round, plan] of plans.entries()) {
    const scene = Array.from({ length: plan.conversations }, (_, index) => ({
      index,
      history: plan.perConversation,
    }));
    await context.sender.call('scene', { conversations: scene });
    const store: LiveStore = { ...plan, results: {} };
    for (const contestant of rotated(contestants, round)) {
      const { instance, probe } = await openInstance(context, contestant, {
        conversations: scene.map(({ index, history }) => ({ id: conversationId(index), history })),
      });
      try {
        await waitForClients(context, plan.target, 1);
        const result = await profiled(context, 'live', contestant.key, plan.name, () =>
          series(context, instance, probe, plan.target, plan.perConversation),
        );
        store.results[contestant.key] = result;
        context.log(
          `live, ${plan.name} (${plan.conversations} × ${plan.perConversation}): ${contestant.key} ` +
            `${formatMs(median(result.costs))} busy, ${formatMs(median(result.walls))} to the state`,
        );
      } finally {
        await instance.close();
        await waitForClients(context, plan.target, 0);
      }
    }
    stores.push(store);
  }
  return { stores };
}
