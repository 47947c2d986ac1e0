import fc from 'fast-check';
import type { UnknownAction } from '@reduxjs/toolkit';
import {
  changesReceived,
  conversationSubscribed,
  conversationUnsubscribed,
  conversationsEvicted,
  messageComposed,
  messageDeleteFailed,
  messageDeleteStarted,
  messageEditFailed,
  messageEditStarted,
  messagesReceived,
  messagesRemoved,
  messagesTrimmed,
} from '../../src/state/events';
import type { Message } from '../../src/api/types';
import { messagesReducer, messagesReducerWithDrafts } from '../../src/state/messagesSlice';
import type { MessagesState, Timeline } from '../../src/state/messagesSlice';
import { entriesOf, spanOf, spanOfId } from '../../src/state/idIndex';
import { idsIn } from '../../src/state/chunks';
import { messageOfTimeline } from '../../src/state/timelineModel';

/**
 * The id → key index of each conversation against the chunks it indexes,
 * through the real reducer: after every action of a random sequence of
 * pages, live frames, edits (some claiming another `created_at`), deletions
 * (ours and the server's, confirmed and failed), windowing and eviction, the
 * index holds exactly the confirmed ids, each with the span of its stored `created_ms`,
 * and every lookup through it finds the stored message.
 */
const CONVERSATIONS = ['c0', 'c1'];
const POOL = 420;
const BASE = Date.parse('2026-01-01T00:00:00.000Z');

const idOf = (n: number) => `m${String(n % POOL).padStart(4, '0')}`;

/** Few distinct seconds, so that many messages share a key and ties span chunks. */
function wire(n: number, second: number, conversation: string, text = `t${n}`): Message {
  return {
    id: idOf(n),
    conversation_id: conversation,
    sender_id: n % 3,
    text,
    reply_to: null,
    is_edited: false,
    created_at: new Date(BASE + second * 1000).toISOString(),
  };
}

type Step =
  | { kind: 'live'; c: number; from: number; count: number; second: number }
  | { kind: 'page'; c: number; from: number; count: number; second: number; older: boolean }
  | { kind: 'update'; c: number; picks: number[]; second: number }
  | { kind: 'editStart' | 'editFail' | 'deleteStart' | 'deleteFail'; pick: number }
  | { kind: 'removed'; c: number; picks: number[]; viaChanges: boolean }
  | { kind: 'trim'; c: number; keep: number }
  | { kind: 'subscribe' | 'unsubscribe'; c: number }
  | { kind: 'compose'; c: number }
  | { kind: 'serverCopy'; pick: number; edited: boolean }
  | { kind: 'echo'; c: number; pick: number; from: number; second: number }
  | { kind: 'evict' };

const c = fc.nat(CONVERSATIONS.length - 1);
const second = fc.nat(40);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('live' as const),
      c,
      from: fc.nat(POOL),
      count: fc.integer({ min: 1, max: 300 }),
      second,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('page' as const),
      c,
      from: fc.nat(POOL),
      count: fc.integer({ min: 1, max: 120 }),
      second,
      older: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      c,
      picks: fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
      second,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom(
        'editStart' as const,
        'editFail' as const,
        'deleteStart' as const,
        'deleteFail' as const,
      ),
      pick: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('removed' as const),
      c,
      picks: fc.array(fc.nat(), { minLength: 1, maxLength: 60 }),
      viaChanges: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('trim' as const), c, keep: fc.nat(500) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom('subscribe' as const, 'unsubscribe' as const),
      c,
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'evict' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compose' as const), c }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('serverCopy' as const),
      pick: fc.nat(),
      edited: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('echo' as const),
      c,
      pick: fc.nat(),
      from: fc.nat(POOL),
      second,
    }),
  },
);

/** The confirmed ids of a timeline, in display order. */
const confirmed = (timeline: Timeline | undefined) => (timeline ? idsIn(timeline.chunks) : []);

/** Every id of every conversation, so an action can aim at one that is stored. */
function storedIds(state: MessagesState): string[] {
  return Object.values(state.conversations).flatMap(confirmed);
}

function actionsFor(state: MessagesState, s: Step): UnknownAction[] {
  const conversation = CONVERSATIONS[('c' in s ? s.c : 0) % CONVERSATIONS.length] as string;
  const timeline = state.conversations[conversation];
  const known = confirmed(timeline);
  const pick = (n: number, from: readonly string[]) => from[n % Math.max(1, from.length)];
  switch (s.kind) {
    case 'live':
    case 'page': {
      const messages = Array.from({ length: s.count }, (_, i) =>
        wire(s.from + i, s.second + Math.floor(i / 50), conversation),
      );
      if (s.kind === 'live')
        return [messagesReceived(conversation, messages, { source: 'socket' })];
      const cursor = s.older ? (known[0] ?? null) : null;
      return [
        messagesReceived(conversation, messages, {
          source: 'history',
          page: {
            direction: s.older ? 'older' : 'latest',
            cursor,
            limit: s.count + (s.older ? 0 : 1),
          },
        }),
      ];
    }
    case 'update': {
      // Edits of stored messages; some claim another created_at (kept: a message's place is fixed).
      const messages = s.picks
        .map((n) => pick(n, known))
        .filter((id): id is string => id !== undefined)
        .map((id, i) => ({
          ...wire(Number(id.slice(1)), s.second + i, conversation, `edited ${i}`),
          is_edited: true,
        }));
      return [messagesReceived(conversation, messages, { source: 'socket', updatesOnly: true })];
    }
    case 'editStart':
    case 'deleteStart': {
      const id = pick(s.pick, storedIds(state));
      if (!id) return [];
      return [
        s.kind === 'editStart'
          ? messageEditStarted({ id, text: 'mine' })
          : messageDeleteStarted({ id }),
      ];
    }
    case 'editFail':
    case 'deleteFail': {
      const stashes = Object.values(state.conversations).flatMap((t) =>
        Object.values(s.kind === 'editFail' ? t.editing : t.deleting),
      );
      const stash = stashes[s.pick % Math.max(1, stashes.length)];
      if (!stash) return [];
      return [
        s.kind === 'editFail'
          ? messageEditFailed({ previous: stash, error: 'no' })
          : messageDeleteFailed({ message: stash, error: 'no' }),
      ];
    }
    case 'removed': {
      const ids = s.picks.map((n) => pick(n, known)).filter((id): id is string => !!id);
      if (s.viaChanges)
        return [
          changesReceived(conversation, {
            messages: [],
            deletedIds: ids,
            cursor: 'x',
            complete: true,
          }),
        ];
      return [messagesRemoved({ conversationId: conversation, ids })];
    }
    case 'trim':
      return [messagesTrimmed({ conversationId: conversation, keep: s.keep })];
    case 'subscribe':
      return [conversationSubscribed({ conversationId: conversation })];
    case 'unsubscribe':
      return [conversationUnsubscribed({ conversationId: conversation })];
    case 'evict':
      return [conversationsEvicted({ conversationIds: CONVERSATIONS })];
    case 'compose':
      return [messageComposed({ conversationId: conversation, senderId: 0, text: 'mine' })];
    case 'serverCopy': {
      // A frame for a message our edit or deletion is on its way for.
      const stashes = Object.values(state.conversations).flatMap((t) => [
        ...Object.values(t.editing),
        ...Object.values(t.deleting),
      ]);
      const stash = stashes[s.pick % Math.max(1, stashes.length)];
      if (!stash) return [];
      const copy: Message = {
        ...wire(Number(stash.id.slice(1)), 0, stash.conversation_id, s.edited ? 'theirs' : 'same'),
        created_at: stash.created_at,
        is_edited: s.edited,
      };
      return [messagesReceived(stash.conversation_id, [copy], { source: 'socket' })];
    }
    case 'echo': {
      // The server's copy of a message composed here, as a live frame.
      const clientId = pick(s.pick, timeline?.pending.ids ?? []);
      if (!clientId) return [];
      const echo = { ...wire(s.from, s.second, conversation, 'mine'), client_id: clientId };
      return [messagesReceived(conversation, [echo], { source: 'socket' })];
    }
  }
}

/** What is wrong with the index of a timeline (an empty list when nothing is). */
function disagreements(conversation: string, timeline: Timeline): string[] {
  const wrong: string[] = [];
  const stored = new Map<string, number>();
  for (const chunk of timeline.chunks)
    for (const id of chunk.ids) {
      if (stored.has(id)) wrong.push(`${conversation}: ${id} stored twice`);
      stored.set(id, spanOf(chunk.entities[id]?.created_ms ?? NaN));
    }
  const indexed = entriesOf(timeline.index);
  if (timeline.index.size !== stored.size)
    wrong.push(`${conversation}: size ${timeline.index.size}, ${stored.size} stored`);
  for (const [id, key] of stored) {
    if (indexed.get(id) !== key)
      wrong.push(`${conversation}: ${id} indexed ${indexed.get(id)}, stored ${key}`);
    if (messageOfTimeline(timeline, id)?.id !== id) wrong.push(`${conversation}: ${id} not found`);
  }
  for (const id of indexed.keys())
    if (!stored.has(id)) wrong.push(`${conversation}: ${id} indexed, not stored`);
  for (let n = POOL; n < POOL + 3; n++)
    if (spanOfId(timeline.index, `m${n}`) !== undefined)
      wrong.push(`${conversation}: m${n} invented`);
  return wrong;
}

describe('the id → key index of a conversation', () => {
  it('always agrees with the chunks, whatever the sequence of pages, live frames, edits, deletions, windowing and eviction', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
        let state = messagesReducer(undefined, { type: '@@init' });
        for (const s of steps) {
          for (const action of actionsFor(state, s)) {
            state = messagesReducer(state, action);
            const wrong = Object.entries(state.conversations).flatMap(([id, timeline]) =>
              disagreements(id, timeline),
            );
            expect({ after: action.type, wrong: wrong.slice(0, 5) }).toEqual({
              after: action.type,
              wrong: [],
            });
          }
        }
      }),
      { numRuns: Number(process.env.INDEX_RUNS ?? 80) },
    );
  });

  it('takes the draft-free path for live frames to the same state as the Immer path, keeping the same references where nothing changed', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
        let fast = messagesReducer(undefined, { type: '@@init' });
        let drafted = messagesReducerWithDrafts(undefined, { type: '@@init' });
        for (const s of steps) {
          for (const action of actionsFor(drafted, s)) {
            const [fastBefore, draftedBefore] = [fast, drafted];
            fast = messagesReducer(fast, action);
            drafted = messagesReducerWithDrafts(drafted, action);
            expect(fast).toEqual(drafted);
            expect(fast === fastBefore).toBe(drafted === draftedBefore);
            expect([Object.isFrozen(fast), Object.isFrozen(fast.conversations)]).toEqual([
              Object.isFrozen(drafted),
              Object.isFrozen(drafted.conversations),
            ]);
            for (const id of CONVERSATIONS) {
              const [a, b] = [fast.conversations[id], drafted.conversations[id]];
              const [a0, b0] = [fastBefore.conversations[id], draftedBefore.conversations[id]];
              expect(a === a0).toBe(b === b0);
              if (!a || !b || !a0 || !b0) continue;
              for (const field of Object.keys(b) as Array<keyof Timeline>)
                expect({ field, same: a[field] === a0[field] }).toEqual({
                  field,
                  same: b[field] === b0[field],
                });
              // Frozen like Immer's output: a host's stray write throws instead of corrupting the store.
              const frozen = (t: Timeline) =>
                [t, t.sync, t.editing, t.pending].map(Object.isFrozen);
              expect(frozen(a)).toEqual(frozen(b));
            }
          }
        }
      }),
      { numRuns: Number(process.env.INDEX_RUNS ?? 80) },
    );
  });

  it('is plain, frozen data: serializable, and unchanged by a dispatch that does not touch it', () => {
    let state = messagesReducer(undefined, { type: '@@init' });
    state = messagesReducer(
      state,
      messagesReceived(
        'c0',
        Array.from({ length: 400 }, (_, i) => wire(i, i, 'c0')),
        { source: 'socket' },
      ),
    );
    const timeline = state.conversations.c0 as Timeline;
    expect(JSON.parse(JSON.stringify(timeline.index))).toEqual(timeline.index);
    expect(Object.isFrozen(timeline.index)).toBe(true);
    for (const level of [timeline.index.buckets, timeline.index.recent]) {
      expect(Object.isFrozen(level)).toBe(true);
      expect(level.every((bucket) => Object.isFrozen(bucket.ids))).toBe(true);
    }
    // An edit changes a chunk, never the index; a deletion copies one bucket only.
    const edited = messagesReducer(
      state,
      messagesReceived('c0', [{ ...wire(5, 5, 'c0', 'new text'), is_edited: true }], {
        source: 'socket',
        updatesOnly: true,
      }),
    );
    expect(edited.conversations.c0?.index).toBe(timeline.index);
    const deleted = messagesReducer(
      state,
      messagesRemoved({ conversationId: 'c0', ids: [idOf(7)] }),
    );
    const after = deleted.conversations.c0?.index;
    // 400 new ids are all in the recent level (see RECENT_LIMIT), sharded in several buckets.
    expect(timeline.index.recent.length).toBeGreaterThan(1);
    const changed = after?.recent.filter((bucket, i) => bucket !== timeline.index.recent[i]);
    expect(changed).toHaveLength(1);
    expect(after?.buckets).toBe(timeline.index.buckets);
    expect(after?.size).toBe(399);
  });
});
