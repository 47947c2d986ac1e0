import { fork } from 'node:child_process';
import path from 'node:path';
import { contestants } from '../contestants';
import type { ContestantKey } from '../contestants';
import { makeMessage } from '../fixtures';
import { formatBytes } from '../harness';
import type { Context } from './context';
import type { MemoryWorkerInput, MemoryWorkerOutput } from './memoryWorker';

/**
 * Memory: the heap a client retains for one conversation of 100,000
 * messages of 100 characters, each contestant loading it its own way (the
 * package and the paging contestants page by page, the others in one
 * request). Retained = heap after two full collections with the client
 * alive, minus the same before it was created (`--expose-gc`), once request
 * caches have let go of the answers; ÷ messages. Each contestant is measured
 * in a fresh process (memoryWorker.ts), after a small warm-up load.
 */

export interface MemoryRow {
  retainedBytes: number;
  perMessage: number;
  /** Messages the state held when measured. */
  held: number;
  /** Settling did not finish (e.g. a request cache still held answers). */
  unsettled: string | null;
}

export interface MemoryResults {
  messages: number;
  textLength: number;
  /** The messages as JSON on the wire, per message. */
  jsonPerMessage: number;
  exact: boolean;
  results: Partial<Record<ContestantKey, MemoryRow>>;
}

const CONVERSATION = 0;
const WARMUP_CONVERSATION = 1;
const WARMUP_MESSAGES = 200;

function measureInWorker(input: MemoryWorkerInput): Promise<MemoryWorkerOutput> {
  const child = fork(path.join(__dirname, 'memoryWorker.ts'), [], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (reply: { ok: boolean; output?: MemoryWorkerOutput; error?: string }) => {
      if (reply.ok && reply.output) resolve(reply.output);
      else reject(new Error(`memory worker (${input.key}): ${reply.error}`));
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`memory worker (${input.key}) exited with ${code}`));
    });
    child.send(input);
  });
}

export async function runMemory(context: Context): Promise<MemoryResults> {
  const { messages, textLength } = context.sizes.memory;
  await context.sender.call('scene', {
    conversations: [
      { index: CONVERSATION, history: messages, textLength },
      { index: WARMUP_CONVERSATION, history: WARMUP_MESSAGES, textLength },
    ],
  });
  let jsonBytes = 0;
  for (let seq = 0; seq < messages; seq++)
    jsonBytes += Buffer.byteLength(JSON.stringify(makeMessage(CONVERSATION, seq, { textLength })));

  const results: Partial<Record<ContestantKey, MemoryRow>> = {};
  for (const contestant of contestants) {
    const { retainedBytes, held, unsettled } = await measureInWorker({
      key: contestant.key,
      url: context.sender.url,
      messages,
      warmupConversation: WARMUP_CONVERSATION,
      warmupMessages: WARMUP_MESSAGES,
    });
    results[contestant.key] = { retainedBytes, perMessage: retainedBytes / held, held, unsettled };
    context.log(
      `memory: ${contestant.key} ${formatBytes(retainedBytes)} for ${held} messages, ` +
        `${(retainedBytes / held).toFixed(0)} B each${unsettled ? ` (${unsettled})` : ''}`,
    );
  }
  return {
    messages,
    textLength,
    jsonPerMessage: jsonBytes / messages,
    exact: typeof (globalThis as { gc?: unknown }).gc === 'function',
    results,
  };
}
