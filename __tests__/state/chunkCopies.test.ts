import { isDraft } from '@reduxjs/toolkit';
import {
  chatReducer,
  messageComposed,
  messagesReceived,
  messagesRemoved,
  selectConversationMessage,
  selectMessagesOfConversation,
  selectWatermark,
} from 'unet-chat-redux';
import type { ChatState, Message } from 'unet-chat-redux';
import type { UnknownAction } from '@reduxjs/toolkit';
import { CHUNK_SIZE } from '../../src/state/chunks';
import type { MessageChunk } from '../../src/state/chunks';
import { CONVERSATION, message, messages } from '../support/factories';

/**
 * A dispatch builds the chunks it changes by a plain loop outside Immer and
 * assigns them frozen (`chunks.ts`), batching every change of one chunk in
 * one dispatch. These tests pin down what that must keep: the adapter's
 * state shape, frozen plain values, the identity of what did not change, and
 * the same outcome as applying the changes one by one.
 */
const apply = (state: ChatState | undefined, ...actions: UnknownAction[]): ChatState =>
  actions.reduce<ChatState>(
    (current, action) => chatReducer(current, action),
    state ?? chatReducer(undefined, { type: 'init' }),
  );
const root = (chat: ChatState) => ({ chat });
const chunksOf = (chat: ChatState): MessageChunk[] =>
  chat.messages.conversations[CONVERSATION]?.chunks ?? [];
const textOf = (chat: ChatState, id: string) =>
  selectConversationMessage(root(chat), CONVERSATION, id)?.text;

const COUNT = 3 * CHUNK_SIZE;
const loaded = (): ChatState =>
  apply(
    undefined,
    messagesReceived(CONVERSATION, messages(1, COUNT), {
      source: 'history',
      page: { direction: 'latest', cursor: null, limit: COUNT + 1 },
    }),
  );
const edited = (n: number): Message =>
  message(n, { text: `edited ${n}`, is_edited: true, updated_at: '2026-01-02T00:00:00.000Z' });
const editFrames = (...ns: number[]) =>
  messagesReceived(CONVERSATION, ns.map(edited), { source: 'socket', updatesOnly: true });

function expectFrozenPlain(chunks: readonly MessageChunk[]): void {
  expect(Object.isFrozen(chunks)).toBe(true);
  for (const chunk of chunks) {
    expect(isDraft(chunk)).toBe(false);
    expect(Object.isFrozen(chunk)).toBe(true);
    expect(Object.isFrozen(chunk.ids)).toBe(true);
    expect(Object.isFrozen(chunk.entities)).toBe(true);
    expect(Object.keys(chunk).sort()).toEqual(['entities', 'ids']);
    // The adapter's shape: a plain `{}` table (the fuzz invariants check its prototype too).
    expect(Object.getPrototypeOf(chunk.entities)).toBe(Object.prototype);
    expect(Object.keys(chunk.entities).sort()).toEqual([...chunk.ids].sort());
    for (const id of chunk.ids) expect(Object.isFrozen(chunk.entities[id])).toBe(true);
  }
}

describe('chunks changed outside Immer', () => {
  it('edits of several messages in one dispatch: each touched chunk is new, its ids array and every other chunk kept', () => {
    const before = loaded();
    const chunks = chunksOf(before);
    expect(chunks).toHaveLength(3);
    // Messages 1…340 are the first chunk, 681…1020 the third.
    const after = apply(before, editFrames(10, 20, 30, 700));
    const next = chunksOf(after);
    expect(next).toHaveLength(3);
    expect(next[0]).not.toBe(chunks[0]);
    expect(next[0]?.ids).toBe(chunks[0]?.ids);
    expect(next[1]).toBe(chunks[1]);
    expect(next[2]).not.toBe(chunks[2]);
    expect(next[2]?.ids).toBe(chunks[2]?.ids);
    for (const n of [10, 20, 30, 700]) expect(textOf(after, message(n).id)).toBe(`edited ${n}`);
    expect(textOf(after, message(11).id)).toBe('message 11');
    // Untouched messages keep their objects (rows do not re-render).
    expect(next[0]?.entities[message(11).id]).toBe(chunks[0]?.entities[message(11).id]);
    expectFrozenPlain(next);
    // The state before is untouched.
    expect(textOf(before, message(10).id)).toBe('message 10');
    expect(chunks[0]?.entities[message(10).id]?.text).toBe('message 10');
  });

  it('gives the same state as the same edits dispatched one by one, and stays serializable', () => {
    const before = loaded();
    const ns = [5, 6, 340, 341, 900, 5];
    const together = apply(before, editFrames(...ns));
    const oneByOne = apply(before, ...ns.map((n) => editFrames(n)));
    expect(selectMessagesOfConversation(root(together), CONVERSATION)).toEqual(
      selectMessagesOfConversation(root(oneByOne), CONVERSATION),
    );
    expect(JSON.parse(JSON.stringify(together.messages))).toEqual(
      JSON.parse(JSON.stringify(oneByOne.messages)),
    );
    expectFrozenPlain(chunksOf(together));
  });

  it('removes several messages of one dispatch together: pending ones, confirmed ones, the watermark handed over', () => {
    const composed = messageComposed({ conversationId: CONVERSATION, senderId: 1, text: 'later' });
    const pendingId = composed.payload.clientId;
    const before = apply(loaded(), composed);
    expect(selectConversationMessage(root(before), CONVERSATION, pendingId)).toBeDefined();
    expect(selectWatermark(root(before), CONVERSATION)).toBe(message(COUNT).id);
    const gone = [message(COUNT).id, message(COUNT - 1).id, message(2).id, pendingId, 'unknown'];
    const after = apply(before, messagesRemoved({ conversationId: CONVERSATION, ids: gone }));
    const shown = selectMessagesOfConversation(root(after), CONVERSATION).map((m) => m.id);
    expect(shown).toHaveLength(COUNT - 3);
    expect(selectConversationMessage(root(after), CONVERSATION, pendingId)).toBeUndefined();
    for (const id of gone) expect(shown).not.toContain(id);
    expect(selectWatermark(root(after), CONVERSATION)).toBe(message(COUNT - 2).id);
    expect(chunksOf(after)[1]).toBe(chunksOf(before)[1]);
    expectFrozenPlain(chunksOf(after));
  });

  it('inserts into the middle of two chunks in one dispatch, in order, and splits none below the limit', () => {
    const before = loaded();
    // Half-second offsets land between stored messages, in the first and the third chunk.
    const between = (n: number) =>
      message(n, {
        id: `0190a000-0000-7000-a000-${String(n).padStart(12, '0')}`,
        created_at: new Date(Date.parse(message(n).created_at) + 500).toISOString(),
      });
    const added = [between(700), between(3), between(4), between(701)];
    const after = apply(before, messagesReceived(CONVERSATION, added, { source: 'socket' }));
    const ids = selectMessagesOfConversation(root(after), CONVERSATION).map((m) => m.id);
    const expected = messages(1, COUNT).flatMap((m, i) =>
      [3, 4, 700, 701].includes(i + 1) ? [m.id, between(i + 1).id] : [m.id],
    );
    expect(ids).toEqual(expected);
    expect(chunksOf(after).map((chunk) => chunk.ids.length)).toEqual([
      CHUNK_SIZE + 2,
      CHUNK_SIZE,
      CHUNK_SIZE + 2,
    ]);
    expect(chunksOf(after)[1]).toBe(chunksOf(before)[1]);
    expectFrozenPlain(chunksOf(after));
  });
});
