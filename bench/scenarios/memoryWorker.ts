import { contestantByKey } from '../contestants';
import type { ContestantKey } from '../contestants';
import { Probe } from '../contestants/types';
import { BENCH_TOKEN, BENCH_USER_ID, conversationId } from '../fixtures';
import { heapUsed, sleep } from '../harness';

/**
 * One memory measurement in a process of its own (started by memory.ts with
 * `--expose-gc`), so that nothing another contestant left behind — or freed
 * late — lands in this one's figure. The contestant first loads a small
 * conversation and closes it, so that its code and one-time set-up (the
 * fetch client, compiled code) are in the heap before the first reading.
 */

export interface MemoryWorkerInput {
  key: ContestantKey;
  url: string;
  messages: number;
  /** A small conversation for the warm-up. */
  warmupConversation: number;
  warmupMessages: number;
}

export interface MemoryWorkerOutput {
  retainedBytes: number;
  held: number;
  unsettled: string | null;
}

/** Collected until two readings 200 ms apart agree. */
async function steadyHeap(): Promise<number> {
  let last = heapUsed();
  for (let attempt = 0; attempt < 10; attempt++) {
    await sleep(200);
    const now = heapUsed();
    if (Math.abs(now - last) < 64 * 1024) return now;
    last = now;
  }
  return last;
}

async function measure(input: MemoryWorkerInput): Promise<MemoryWorkerOutput> {
  const contestant = contestantByKey(input.key);
  const target = { httpUrl: input.url, token: BENCH_TOKEN, userId: BENCH_USER_ID };
  const warm = await contestant.open({
    target,
    conversations: [
      { id: conversationId(input.warmupConversation), history: input.warmupMessages },
    ],
    probe: new Probe(),
  });
  await warm.settle?.().catch(() => undefined);
  await warm.close();

  const before = await steadyHeap();
  const id = conversationId(0);
  const instance = await contestant.open({
    target,
    conversations: [{ id, history: input.messages }],
    probe: new Probe(),
  });
  let unsettled: string | null = null;
  await instance.settle?.().catch((error: unknown) => {
    unsettled = String(error);
  });
  // Whatever loading left scheduled (timers, socket buffers) runs first.
  await sleep(100);
  const after = heapUsed();
  const held = instance.count(id);
  await instance.close();
  return { retainedBytes: after - before, held, unsettled };
}

process.once('message', (input: MemoryWorkerInput) => {
  measure(input).then(
    (output) => process.send?.({ ok: true, output }, () => process.exit(0)),
    (error: unknown) =>
      process.send?.(
        { ok: false, error: error instanceof Error ? error.stack : String(error) },
        () => process.exit(1),
      ),
  );
});
