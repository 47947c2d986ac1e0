import fc from 'fast-check';
import { createNextState } from '@reduxjs/toolkit';
import {
  CHUNK_SIZE,
  MAX_CHUNK,
  TAIL_SIZE,
  emptyStore,
  findChunk,
  idsIn,
  insertMessages,
  messageIn,
  removeMessages,
  replaceMessage,
  storedKey,
  trimOldest,
} from '../../src/state/chunks';
import type { StoredMessages } from '../../src/state/chunks';
import { entriesOf, spanOf } from '../../src/state/idIndex';
import type { ChatMessage } from 'unet-chat-redux';

/**
 * The chunked storage of a conversation against the simplest model of it: a
 * list ordered by key, ties in the order inserted. Operations run inside
 * Immer produces like the reducer's — several in one produce too, so that
 * later operations meet chunks that earlier ones created or moved.
 */
let nextId = 0;
function message(key: number, text = ''): ChatMessage {
  const id = `m${String(nextId++).padStart(6, '0')}`;
  return {
    id,
    conversation_id: 'c',
    sender_id: 1,
    text,
    reply_to: null,
    is_edited: false,
    created_at: new Date(key).toISOString(),
    created_ms: key,
    client_id: null,
    status: 'sent',
    error: null,
  };
}

type Operation =
  | { kind: 'insert'; keys: number[] }
  // One message per insert, newer than everything: the live path.
  | { kind: 'live'; keys: number[] }
  | { kind: 'remove'; picks: number[] }
  | { kind: 'replace'; pick: number }
  | { kind: 'trim'; keep: number };

const key = fc.integer({ min: 0, max: 400 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(key, { minLength: 1, maxLength: 700 })
      .map((keys) => ({ kind: 'insert' as const, keys })),
  },
  // Newer than everything and older than everything: the fast paths.
  {
    weight: 2,
    arbitrary: fc.integer({ min: 1, max: 600 }).map((count) => ({
      kind: 'insert' as const,
      keys: Array.from({ length: count }, (_, i) => 1000 + i),
    })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 600 }).map((count) => ({
      kind: 'insert' as const,
      keys: Array.from({ length: count }, (_, i) => -count + i),
    })),
  },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 1, max: 120 }).map((count) => ({
      kind: 'live' as const,
      keys: Array.from({ length: count }, (_, i) => 2000 + i),
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.nat(), { maxLength: 80 })
      .map((picks) => ({ kind: 'remove' as const, picks })),
  },
  { weight: 2, arbitrary: fc.nat().map((pick) => ({ kind: 'replace' as const, pick })) },
  { weight: 1, arbitrary: fc.nat(1500).map((keep) => ({ kind: 'trim' as const, keep })) },
);

function applyToModel(model: ChatMessage[], op: Operation, made: ChatMessage[]): ChatMessage[] {
  switch (op.kind) {
    case 'insert':
    case 'live':
      // A stable sort keeps ties in insertion order.
      return [...model, ...made].sort((a, b) => a.created_ms - b.created_ms);
    case 'remove': {
      const gone = new Set(op.picks.map((pick) => model[pick % Math.max(1, model.length)]?.id));
      return model.filter((m) => !gone.has(m.id));
    }
    case 'replace': {
      const target = model[op.pick % Math.max(1, model.length)];
      return target
        ? model.map((m) => (m.id === target.id ? { ...m, text: 'replaced' } : m))
        : model;
    }
    case 'trim':
      return model.slice(Math.max(0, model.length - op.keep));
  }
}

function applyToChunks(
  chunks: StoredMessages,
  model: ChatMessage[],
  op: Operation,
  made: ChatMessage[],
): void {
  switch (op.kind) {
    case 'insert':
      insertMessages(chunks, made);
      return;
    case 'live':
      for (const one of made) insertMessages(chunks, [one]);
      return;
    case 'remove':
      removeMessages(
        chunks,
        new Set(op.picks.map((pick) => model[pick % Math.max(1, model.length)]?.id ?? '')),
      );
      return;
    case 'replace': {
      const target = model[op.pick % Math.max(1, model.length)];
      if (target) replaceMessage(chunks, { ...target, text: 'replaced' });
      return;
    }
    case 'trim':
      trimOldest(chunks, op.keep);
  }
}

function check(store: StoredMessages, model: readonly ChatMessage[]): void {
  const chunks = store.chunks;
  expect(idsIn(chunks)).toEqual(model.map((m) => m.id));
  // The index holds exactly the stored ids, each with its stored key.
  expect(entriesOf(store.index)).toEqual(new Map(model.map((m) => [m.id, spanOf(m.created_ms)])));
  expect(store.index.size).toBe(model.length);
  // Plain comparisons, one expect each: expect() per message would dominate the run.
  const shapes = chunks.map((chunk) => ({
    empty: chunk.ids.length === 0,
    tooBig: chunk.ids.length > MAX_CHUNK,
    sameKeys: Object.keys(chunk.entities).sort().join() === [...chunk.ids].sort().join(),
  }));
  expect(shapes.filter((shape) => shape.empty || shape.tooBig || !shape.sameKeys)).toEqual([]);
  const texts = new Map(model.map((m) => [m.id, m.text]));
  const wrongText = chunks.flatMap((chunk) =>
    chunk.ids.filter((id) => chunk.entities[id]?.text !== texts.get(id)),
  );
  expect(wrongText).toEqual([]);
  const sample = model.filter((_m, i) => i % Math.max(1, Math.ceil(model.length / 40)) === 0);
  const lost = sample.filter(
    (m) =>
      messageIn(store, m.id)?.text !== m.text ||
      storedKey(store, m.id) !== m.created_ms ||
      findChunk(store, m.id)?.chunk.entities[m.id]?.id !== m.id,
  );
  expect(lost.map((m) => m.id)).toEqual([]);
}

describe('chunked message storage', () => {
  it('stays equal to an ordered list through any sequence of inserts, removals, replacements and trims, in any grouping into reductions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(operation, { minLength: 1, maxLength: 3 }), {
          minLength: 1,
          maxLength: 12,
        }),
        (reductions) => {
          let state: StoredMessages = emptyStore();
          let model: ChatMessage[] = [];
          for (const operations of reductions) {
            state = createNextState(state, (draft) => {
              for (const op of operations) {
                const made = 'keys' in op ? op.keys.map((k) => message(k)) : [];
                applyToChunks(draft as StoredMessages, model, op, made);
                model = applyToModel(model, op, made);
                // Lookups in the middle of a reduction see what it did so far.
                for (const m of made.slice(0, 5))
                  expect(messageIn(draft as StoredMessages, m.id)?.id).toBe(m.id);
              }
            });
            check(state, model);
          }
        },
      ),
      { numRuns: Number(process.env.CHUNK_RUNS ?? 60) },
    );
  });

  it('copies no stored chunk for a live message: a small last chunk takes it', () => {
    const first = createNextState(emptyStore(), (draft) => {
      insertMessages(
        draft as StoredMessages,
        Array.from({ length: 2000 }, (_, i) => message(i)),
      );
    });
    const next = createNextState(first, (draft) => {
      insertMessages(draft as StoredMessages, [message(5000)]);
    });
    expect(next.chunks.slice(0, -1)).toEqual(first.chunks);
    expect(next.chunks.slice(0, -1).every((chunk, i) => chunk === first.chunks[i])).toBe(true);
    expect(next.chunks.at(-1)?.ids).toHaveLength(1);
    expect(Object.isFrozen(next.chunks.at(-1))).toBe(true);
  });

  it('copies few entities per live message, and merges the small chunks into full ones', () => {
    let state = createNextState(emptyStore(), (draft) => {
      insertMessages(
        draft as StoredMessages,
        Array.from({ length: 2000 }, (_, i) => message(i)),
      );
    });
    let copiedEntities = 0;
    for (let i = 0; i < 1000; i++) {
      const before = state.chunks;
      state = createNextState(state, (draft) => {
        insertMessages(draft as StoredMessages, [message(5000 + i)]);
      });
      // Only the last two chunks change (a merge changes the one before the last).
      const copied = state.chunks.filter((chunk) => !before.includes(chunk));
      expect(state.chunks.slice(0, -2).every((chunk) => before.includes(chunk))).toBe(true);
      for (const chunk of copied) copiedEntities += chunk.ids.length;
    }
    // Filling a chunk of 340 one message at a time would copy 170 per message on average.
    expect(copiedEntities / 1000).toBeLessThanOrEqual(TAIL_SIZE);
    // 1,000 live messages make full chunks, not a run of small ones.
    const sizes = state.chunks.map((chunk) => chunk.ids.length);
    expect(sizes.slice(0, -2).filter((size) => size < CHUNK_SIZE - TAIL_SIZE)).toEqual([]);
    expect(idsIn(state.chunks)).toHaveLength(3000);
  });
});
