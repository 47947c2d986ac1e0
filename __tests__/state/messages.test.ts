import {
  chatReducer,
  connectionStatusChanged,
  conversationRemoved,
  conversationSubscribed,
  conversationUnsubscribed,
  messageComposed,
  messageDeleteFailed,
  messageDeleteStarted,
  messageDiscarded,
  messageEditFailed,
  messageEditStarted,
  messageRetried,
  messageSendAttempted,
  messageSendFailed,
  messagesReceived,
  messagesRemoved,
  messagesTrimmed,
  selectConversationMessage,
  selectGapAfterId,
  selectMessagesOfConversation,
  selectPaging,
  selectSyncStatus,
  selectWatermark,
  sessionEnded,
  syncFailed,
  syncRetryDue,
} from 'unet-chat-redux';
import type { ChatState, Message, PageRequest } from 'unet-chat-redux';
import type { UnknownAction } from '@reduxjs/toolkit';
import fc from 'fast-check';
import { CONVERSATION, message, messages } from '../support/factories';
import { countIn } from '../../src/state/chunks';

/**
 * The messages reducer alone: every event applied to a fresh state, no
 * middleware. These tests pin down the sync model — what the store knows,
 * where the watermark is, when the conversation is live — for each kind of
 * answer the server can give.
 */
const apply = (...actions: UnknownAction[]): ChatState =>
  actions.reduce<ChatState>(
    (state, action) => chatReducer(state, action),
    chatReducer(undefined, { type: 'init' }),
  );
const then = (state: ChatState, ...actions: UnknownAction[]): ChatState =>
  actions.reduce<ChatState>((current, action) => chatReducer(current, action), state);

const root = (chat: ChatState) => ({ chat });
const idsOf = (chat: ChatState) =>
  selectMessagesOfConversation(root(chat), CONVERSATION).map((m) => m.id);
const textsOf = (chat: ChatState) =>
  selectMessagesOfConversation(root(chat), CONVERSATION).map((m) => m.text);
const entity = (chat: ChatState, id: string) =>
  selectConversationMessage(root(chat), CONVERSATION, id);
const phaseOf = (chat: ChatState) => selectSyncStatus(root(chat), CONVERSATION).phase;
const ids = (from: number, to: number) => messages(from, to).map((m) => m.id);

const latest = (limit = 50, epoch?: number): PageRequest => ({
  direction: 'latest',
  cursor: null,
  limit,
  ...(epoch === undefined ? {} : { epoch }),
});
const after = (cursor: Message, limit = 50, epoch?: number): PageRequest => ({
  direction: 'newer',
  cursor: cursor.id,
  limit,
  ...(epoch === undefined ? {} : { epoch }),
});
const history = (list: Message[], page: PageRequest = latest()) =>
  messagesReceived(CONVERSATION, list, { source: 'history', page });
const catchUp = (list: Message[], page: PageRequest) =>
  messagesReceived(CONVERSATION, list, { source: 'catchUp', page });
const live = (...list: Message[]) => messagesReceived(CONVERSATION, list, { source: 'socket' });
const sendAnswer = (answer: Message, confirms?: string) =>
  messagesReceived(CONVERSATION, [answer], { source: 'send', ...(confirms ? { confirms } : {}) });
const subscribed = conversationSubscribed({ conversationId: CONVERSATION });
const opened = connectionStatusChanged({ conversationId: CONVERSATION, status: 'open' });
const dropped = connectionStatusChanged({
  conversationId: CONVERSATION,
  status: 'reconnecting',
  attempt: 1,
});

/** Subscribed, socket open (epoch 1), newest page loaded in that epoch: live. */
const liveWith = (list: Message[], limit = 50) =>
  apply(subscribed, opened, history(list, latest(limit, 1)));

describe('messages: ordering and identity', () => {
  it('orders messages by created_at whatever order they arrive in', () => {
    const state = apply(history([message(3), message(1), message(2)]));
    expect(idsOf(state)).toEqual(ids(1, 3));
  });

  it('keeps the order of messages that share a timestamp in the order first learned', () => {
    const at = message(5).created_at;
    const first = message(10, { created_at: at, id: '0190a000-0000-7000-9000-00000000000f' });
    const second = message(11, { created_at: at, id: '0190a000-0000-7000-9000-0000000000a0' });
    const state = then(liveWith([message(1)]), live(first), live(second));
    expect(idsOf(state)).toEqual([message(1).id, first.id, second.id]);
  });

  it('reads timestamps without a zone as UTC, whatever the local time zone', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'Asia/Bishkek'; // UTC+6: a local-time reading would be 6 hours off
    try {
      const state = apply(history([message(1, { created_at: '2026-01-01T12:00:05' }), message(2)]));
      expect(idsOf(state)).toEqual([message(2).id, message(1).id]);
      expect(entity(state, message(1).id)?.created_ms).toBe(Date.parse('2026-01-01T12:00:05Z'));
    } finally {
      process.env.TZ = zone;
    }
  });

  it('stores a message learned by REST answer, socket echo and catch-up once', () => {
    const m = message(7);
    const state = apply(
      history(messages(1, 6)),
      sendAnswer(m),
      live(m),
      catchUp([m], after(message(6))),
    );
    expect(idsOf(state).filter((id) => id === m.id)).toHaveLength(1);
    expect(countIn(state.messages.conversations[CONVERSATION]!.chunks)).toBe(7);
    expect(idsOf(state)).toHaveLength(7);
  });

  it('ignores messages of another conversation in a conversation batch', () => {
    const stray = message(9, { conversation_id: 'other' });
    const state = apply(history([message(1), stray]));
    expect(idsOf(state)).toEqual([message(1).id]);
  });

  it('stores every field of a new message, extra fields a server adds included', () => {
    // Nearly every message is copied field by field; one with extra fields by spreading it.
    const extra = fc.dictionary(
      fc.constantFrom('reactions', 'attachments', 'thread_id', 'edited_by'),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 2 },
    );
    const optional = fc.record(
      {
        client_id: fc.option(fc.uuid(), { nil: null }),
        updated_at: fc.option(fc.constant('2026-01-02T00:00:00.000Z'), { nil: null }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.nat(1000),
        optional,
        fc.option(extra, { nil: undefined }),
        (n, fields, more) => {
          const wire = { ...message(n), ...fields, ...more };
          const stored = entity(apply(history([wire])), wire.id);
          expect(stored).toStrictEqual({
            ...wire,
            client_id: wire.client_id ?? null,
            status: 'sent',
            created_ms: Date.parse(wire.created_at),
          });
        },
      ),
    );
  });

  it('keeps the same object for a message that arrives again unchanged', () => {
    const first = apply(history(messages(1, 3)));
    const again = then(first, catchUp(messages(2, 3), after(message(1))));
    expect(entity(again, message(2).id)).toBe(entity(first, message(2).id));
  });
});

describe('messages: paging', () => {
  it('marks older history as available when the newest page is full', () => {
    const state = liveWith(messages(51, 100));
    expect(selectPaging(root(state), CONVERSATION)).toMatchObject({
      hasMoreOlder: true,
      historyLoaded: true,
      caughtUp: true,
      phase: 'live',
    });
  });

  it('marks the history complete when the newest page is short', () => {
    const state = apply(history(messages(1, 10)));
    expect(selectPaging(root(state), CONVERSATION).hasMoreOlder).toBe(false);
  });

  it('prepends an older page and stops when the server has no more', () => {
    const state = apply(
      history(messages(51, 100)),
      history(messages(21, 50), { direction: 'older', cursor: message(51).id, limit: 50 }),
    );
    expect(idsOf(state)[0]).toBe(message(21).id);
    expect(idsOf(state)).toHaveLength(80);
    expect(selectPaging(root(state), CONVERSATION).hasMoreOlder).toBe(false);
  });

  it('stops paging against a server that ignores `before` and returns everything', () => {
    const everything = messages(1, 60);
    const state = apply(
      history(everything.slice(10), latest(50)),
      history(everything, { direction: 'older', cursor: message(11).id, limit: 50 }),
    );
    expect(idsOf(state)).toHaveLength(60);
    expect(selectPaging(root(state), CONVERSATION).hasMoreOlder).toBe(false);
  });

  it('treats a newest page longer than the limit as the whole history (no paging on the server)', () => {
    const state = apply(history(messages(1, 120), latest(50)));
    expect(selectPaging(root(state), CONVERSATION).hasMoreOlder).toBe(false);
  });
});

describe('messages: the watermark', () => {
  it('is the newest message of the newest page', () => {
    expect(selectWatermark(root(apply(history(messages(1, 5)))), CONVERSATION)).toBe(message(5).id);
  });

  it('follows live frames only while live', () => {
    const state = then(liveWith(messages(1, 5)), live(message(6)));
    expect(selectWatermark(root(state), CONVERSATION)).toBe(message(6).id);
    const offline = then(state, dropped, live(message(7)));
    expect(selectWatermark(root(offline), CONVERSATION)).toBe(message(6).id);
  });

  it('never moves for our own sends answered by REST while the socket is down (bug 1)', () => {
    const composed = messageComposed({ conversationId: CONVERSATION, text: 'mine', senderId: 1 });
    const mine = message(20, { sender_id: 1, text: 'mine' });
    const state = then(
      liveWith(messages(1, 5)),
      dropped,
      composed,
      sendAnswer(mine, composed.payload.clientId),
    );
    // Shown at once, but after a gap: others may have written between 5 and 20.
    expect(idsOf(state)).toEqual([...ids(1, 5), mine.id]);
    expect(selectWatermark(root(state), CONVERSATION)).toBe(message(5).id);
    expect(selectGapAfterId(root(state), CONVERSATION)).toBe(message(5).id);
  });

  it('never moves for our own sends answered by REST even while live: the echo moves it', () => {
    const mine = message(6, { sender_id: 1 });
    const state = then(liveWith(messages(1, 5)), sendAnswer(mine));
    expect(selectWatermark(root(state), CONVERSATION)).toBe(message(5).id);
    // Live: the echo is on its way, so no gap is shown meanwhile.
    expect(selectGapAfterId(root(state), CONVERSATION)).toBeNull();
    const echoed = then(state, live(mine));
    expect(selectWatermark(root(echoed), CONVERSATION)).toBe(mine.id);
  });

  it('moves with each catch-up page that starts at it, and hands over when its message is deleted', () => {
    const state = apply(history(messages(1, 5)), catchUp(messages(6, 7), after(message(5), 2)));
    expect(selectWatermark(root(state), CONVERSATION)).toBe(message(7).id);
    const deleted = then(
      state,
      messagesRemoved({ conversationId: CONVERSATION, ids: [message(7).id] }),
    );
    expect(selectWatermark(root(deleted), CONVERSATION)).toBe(message(6).id);
  });

  it('ignores a catch-up page whose cursor is no longer the watermark for the watermark', () => {
    const state = apply(history(messages(1, 5)), catchUp(messages(9, 10), after(message(8))));
    expect(selectWatermark(root(state), CONVERSATION)).toBe(message(5).id);
  });
});

describe('messages: gaps and catching up', () => {
  it('shows live messages that arrive while catching up, after a gap, and closes the gap with the last page', () => {
    const caught = then(liveWith(messages(1, 5)), dropped, opened, live(message(9)));
    expect(phaseOf(caught)).toBe('catchingUp');
    expect(idsOf(caught)).toEqual([...ids(1, 5), message(9).id]);
    expect(selectGapAfterId(root(caught), CONVERSATION)).toBe(message(5).id);

    const done = then(caught, catchUp(messages(6, 9), after(message(5), 50, 2)));
    expect(idsOf(done)).toEqual(ids(1, 9));
    expect(phaseOf(done)).toBe('live');
    expect(selectGapAfterId(root(done), CONVERSATION)).toBeNull();
    expect(selectWatermark(root(done), CONVERSATION)).toBe(message(9).id);
  });

  it('stays catching up until a short page arrives', () => {
    const state = then(
      liveWith(messages(1, 5)),
      dropped,
      opened,
      catchUp(messages(6, 7), after(message(5), 2, 2)),
    );
    expect(phaseOf(state)).toBe('catchingUp');
    expect(selectWatermark(root(state), CONVERSATION)).toBe(message(7).id);
  });

  it('goes live only when the page that reached the newest was asked for with the socket open since', () => {
    // Asked in epoch 1; the socket dropped and reopened (epoch 2) before the answer.
    const state = then(
      liveWith(messages(1, 5)),
      dropped,
      opened,
      catchUp([], after(message(5), 50, 1)),
    );
    expect(phaseOf(state)).toBe('catchingUp');
    const again = then(state, catchUp([], after(message(5), 50, 2)));
    expect(phaseOf(again)).toBe('live');
  });

  it('is not live without an open socket, however complete the page', () => {
    const state = apply(subscribed, history(messages(1, 3), latest(50, 0)));
    expect(phaseOf(state)).toBe('disconnected');
  });

  it('restarts the view from the newest page when it does not touch what was loaded', () => {
    const state = apply(
      history(messages(1, 5), latest(5)),
      // Much later the newest page no longer reaches back to what we had.
      history(messages(100, 104), latest(5)),
    );
    expect(idsOf(state)).toEqual(ids(100, 104));
    expect(entity(state, message(1).id)).toBeUndefined();
    expect(selectPaging(root(state), CONVERSATION).hasMoreOlder).toBe(true);
  });

  it('does not take a newest page that overlaps only messages beyond the gap for contiguous', () => {
    const mine = message(60, { sender_id: 1 });
    const state = apply(
      history(messages(1, 5), latest(5)),
      sendAnswer(mine),
      // 55..64 contains our message, but not 6..54.
      history(messages(55, 64), latest(10)),
    );
    expect(idsOf(state)).toEqual(ids(55, 64));
    expect(selectPaging(root(state), CONVERSATION).hasMoreOlder).toBe(true);
  });

  it('recognizes a catch-up answer from a server without paging (it contains the cursor) and merges it', () => {
    const state = then(
      liveWith(messages(1, 5)),
      dropped,
      opened,
      live(message(9)),
      catchUp(messages(1, 9), after(message(5), 50, 2)),
    );
    expect(idsOf(state)).toEqual(ids(1, 9));
    expect(phaseOf(state)).toBe('live');
  });

  it('merges by id when a server without `after` returns an overlapping newest page', () => {
    const state = apply(
      history(messages(1, 5), latest(5)),
      catchUp(messages(4, 8), after(message(5), 5)),
    );
    expect(idsOf(state)).toEqual(ids(1, 8));
  });

  it('shows live messages that arrive before the first history page, after it', () => {
    const state = apply(
      subscribed,
      opened,
      live(message(20)),
      history(messages(1, 19), latest(50, 1)),
    );
    expect(idsOf(state)).toEqual(ids(1, 20));
    expect(phaseOf(state)).toBe('live');
  });

  it('drops what a page proves deleted: a known message inside its span that it lacks', () => {
    const mine = message(7, { sender_id: 1 });
    const state = apply(
      history(messages(1, 5)),
      sendAnswer(mine),
      // Message 7 was deleted meanwhile (by us, on another device): 6..8 without it.
      catchUp([message(6), message(8)], after(message(5))),
    );
    expect(idsOf(state)).toEqual([...ids(1, 6), message(8).id]);
  });

  it('takes a short newest page as the whole conversation', () => {
    const state = apply(history(messages(1, 5)), history([message(1), message(3), message(6)]));
    expect(idsOf(state)).toEqual([message(1).id, message(3).id, message(6).id]);
  });
});

describe('messages: the sync phase', () => {
  it('is idle without subscribers, loading before the first page, live once caught up', () => {
    expect(phaseOf(apply(history(messages(1, 2))))).toBe('idle');
    expect(phaseOf(apply(subscribed))).toBe('loading');
    expect(phaseOf(apply(subscribed, opened))).toBe('loading');
    expect(phaseOf(liveWith(messages(1, 2)))).toBe('live');
    expect(phaseOf(then(liveWith(messages(1, 2)), dropped))).toBe('disconnected');
    expect(
      phaseOf(
        then(liveWith(messages(1, 2)), conversationUnsubscribed({ conversationId: CONVERSATION })),
      ),
    ).toBe('idle');
  });

  it('shows a failed load with its reason and tries again when the retry is due', () => {
    const failed = apply(
      subscribed,
      syncFailed({
        conversationId: CONVERSATION,
        error: 'Network error: fetch failed',
        code: 'fetch_error',
        terminal: false,
        nextRetryInMs: 1500,
        stage: 'history',
        notify: true,
      }),
    );
    expect(selectSyncStatus(root(failed), CONVERSATION)).toMatchObject({
      phase: 'retrying',
      error: 'Network error: fetch failed',
      errorCode: 'fetch_error',
      attempt: 1,
      nextRetryInMs: 1500,
    });
    expect(failed.notices.items.at(-1)).toMatchObject({ code: 'history_failed' });
    expect(phaseOf(then(failed, syncRetryDue({ conversationId: CONVERSATION })))).toBe('loading');
  });

  it('counts failures in a row and forgets them after a successful page', () => {
    const failure = syncFailed({
      conversationId: CONVERSATION,
      error: 'x',
      code: 'http_503',
      terminal: false,
      nextRetryInMs: 1000,
      stage: 'history',
      notify: false,
    });
    const due = syncRetryDue({ conversationId: CONVERSATION });
    const twice = apply(subscribed, failure, due, failure);
    expect(selectSyncStatus(root(twice), CONVERSATION).attempt).toBe(2);
    const loaded = then(twice, due, history(messages(1, 2)));
    expect(selectSyncStatus(root(loaded), CONVERSATION).attempt).toBe(0);
  });

  it('a refusal is `failed`, not retried on a timer', () => {
    const state = apply(
      subscribed,
      syncFailed({
        conversationId: CONVERSATION,
        error: 'Conversation not found.',
        code: 'not_found',
        terminal: true,
        nextRetryInMs: null,
        stage: 'history',
        notify: true,
      }),
    );
    expect(selectSyncStatus(root(state), CONVERSATION)).toMatchObject({
      phase: 'failed',
      nextRetryInMs: null,
    });
  });
});

describe('messages: optimistic send', () => {
  const composed = messageComposed({
    conversationId: CONVERSATION,
    text: '  Привет!  ',
    senderId: 1,
  });
  const clientId = composed.payload.clientId;
  const attempted = messageSendAttempted({ conversationId: CONVERSATION, clientId, via: 'socket' });

  it('shows a composed message at once as pending, after the confirmed ones', () => {
    const state = apply(history(messages(1, 2)), composed);
    const list = selectMessagesOfConversation(root(state), CONVERSATION);
    expect(list.map((m) => m.status)).toEqual(['sent', 'sent', 'pending']);
    expect(list[2]).toMatchObject({
      id: clientId,
      client_id: clientId,
      text: 'Привет!',
      sender_id: 1,
    });
  });

  it('turns the pending copy into the server copy when the echo carries the client_id', () => {
    const echo = message(3, { sender_id: 1, text: 'Привет!', client_id: clientId });
    const state = apply(history(messages(1, 2)), composed, live(echo));
    const list = selectMessagesOfConversation(root(state), CONVERSATION);
    expect(list.map((m) => m.id)).toEqual([message(1).id, message(2).id, echo.id]);
    expect(list[2]).toMatchObject({ status: 'sent', client_id: clientId });
    expect(entity(state, clientId)).toBeUndefined();
    expect(list[2]).not.toHaveProperty('attempts');
  });

  it('confirms by the REST answer and merges the later echo without duplicating', () => {
    const answer = message(3, { sender_id: 1, text: 'Привет!' });
    const state = apply(
      history(messages(1, 2)),
      composed,
      sendAnswer(answer, clientId),
      live({ ...answer, client_id: clientId }),
    );
    expect(idsOf(state)).toEqual([message(1).id, message(2).id, answer.id]);
    expect(entity(state, answer.id)?.client_id).toBe(clientId);
  });

  it('matches a copy without client_id to the oldest sent pending message with the same text and reply target', () => {
    const second = messageComposed({ conversationId: CONVERSATION, text: 'Привет!', senderId: 1 });
    const echo = message(3, {
      sender_id: 1,
      text: 'Привет!',
      created_at: new Date().toISOString(),
    });
    const state = apply(
      history(messages(1, 2)),
      composed,
      second,
      attempted,
      messageSendAttempted({
        conversationId: CONVERSATION,
        clientId: second.payload.clientId,
        via: 'socket',
      }),
      live(echo),
    );
    const list = selectMessagesOfConversation(root(state), CONVERSATION);
    expect(list.map((m) => [m.id, m.status])).toEqual([
      [message(1).id, 'sent'],
      [message(2).id, 'sent'],
      [echo.id, 'sent'],
      [second.payload.clientId, 'pending'],
    ]);
    expect(list[2]?.client_id).toBe(clientId);
  });

  it('matches it in a history page too, so a seed server does not get it twice (bug 3)', () => {
    const landed = message(3, {
      sender_id: 1,
      text: 'Привет!',
      created_at: new Date().toISOString(),
    });
    const state = apply(composed, attempted, history([...messages(1, 2), landed]));
    expect(selectMessagesOfConversation(root(state), CONVERSATION).map((m) => m.status)).toEqual([
      'sent',
      'sent',
      'sent',
    ]);
  });

  it('never matches a pending message that was never sent', () => {
    const same = message(3, {
      sender_id: 1,
      text: 'Привет!',
      created_at: new Date().toISOString(),
    });
    const state = apply(composed, history([same]));
    expect(selectMessagesOfConversation(root(state), CONVERSATION).map((m) => m.status)).toEqual([
      'sent',
      'pending',
    ]);
  });

  it('does not match a copy from someone else', () => {
    const echo = message(3, {
      sender_id: 2,
      text: 'Привет!',
      created_at: new Date().toISOString(),
    });
    const state = apply(history(messages(1, 2)), composed, attempted, live(echo));
    expect(selectMessagesOfConversation(root(state), CONVERSATION).map((m) => m.status)).toEqual([
      'sent',
      'sent',
      'sent',
      'pending',
    ]);
  });

  it('marks a failed send with its code, retries it and discards it', () => {
    const failed = apply(
      composed,
      messageSendFailed({
        conversationId: CONVERSATION,
        clientId,
        error: 'Forbidden',
        code: 'forbidden',
      }),
    );
    expect(entity(failed, clientId)).toMatchObject({
      status: 'failed',
      error: 'Forbidden',
      errorCode: 'forbidden',
    });
    expect(failed.notices.items.at(-1)).toMatchObject({ code: 'send_failed', detail: 'Forbidden' });

    const retried = then(failed, messageRetried({ conversationId: CONVERSATION, clientId }));
    expect(entity(retried, clientId)).toMatchObject({
      status: 'pending',
      error: null,
      errorCode: null,
    });

    const discarded = then(retried, messageDiscarded({ conversationId: CONVERSATION, clientId }));
    expect(entity(discarded, clientId)).toBeUndefined();
    expect(selectMessagesOfConversation(root(discarded), CONVERSATION)).toEqual([]);
  });
});

describe('messages: optimistic edit and delete', () => {
  it('shows an edit at once and restores the previous text when it fails, with a notice', () => {
    const loaded = apply(history(messages(1, 3)));
    const previous = entity(loaded, message(2).id)!;
    const edited = then(loaded, messageEditStarted({ id: previous.id, text: 'new text' }));
    expect(textsOf(edited)[1]).toBe('new text');
    const rolledBack = then(
      edited,
      messageEditFailed({ previous, error: 'Only the sender may edit' }),
    );
    expect(textsOf(rolledBack)[1]).toBe('message 2');
    expect(rolledBack.notices.items.at(-1)).toMatchObject({
      code: 'edit_failed',
      detail: 'Only the sender may edit',
    });
  });

  it('rolls a failed edit back to what the server confirmed meanwhile, never to an older copy (bug 7)', () => {
    const loaded = apply(history(messages(1, 3)));
    const previous = entity(loaded, message(2).id)!;
    const state = then(
      loaded,
      messageEditStarted({ id: previous.id, text: 'second edit' }),
      // The server confirms an earlier edit by socket while ours is on its way.
      messagesReceived(CONVERSATION, [message(2, { text: 'first edit', is_edited: true })], {
        source: 'socket',
        updatesOnly: true,
      }),
    );
    expect(textsOf(state)[1]).toBe('second edit');
    const failed = then(state, messageEditFailed({ previous, error: 'timeout' }));
    expect(textsOf(failed)[1]).toBe('first edit');
  });

  it('removes a deleted message at once and puts it back in place when the delete fails', () => {
    const loaded = apply(history(messages(1, 3)));
    const target = entity(loaded, message(2).id)!;
    const deleted = then(loaded, messageDeleteStarted({ id: target.id }));
    expect(idsOf(deleted)).toEqual([message(1).id, message(3).id]);
    const restored = then(deleted, messageDeleteFailed({ message: target, error: 'Nope' }));
    expect(idsOf(restored)).toEqual(ids(1, 3));
    expect(restored.notices.items.at(-1)?.code).toBe('delete_failed');
  });

  it('does not bring back a message the server confirmed deleted by socket (bug 7)', () => {
    const loaded = apply(history(messages(1, 3)));
    const target = entity(loaded, message(2).id)!;
    const state = then(
      loaded,
      messageDeleteStarted({ id: target.id }),
      messagesRemoved({ conversationId: CONVERSATION, ids: [target.id] }),
      messageDeleteFailed({ message: target, error: 'network' }),
    );
    expect(idsOf(state)).toEqual([message(1).id, message(3).id]);
  });

  it('keeps a message whose delete is on its way hidden when a page brings it again', () => {
    const loaded = apply(history(messages(1, 3)));
    const state = then(
      loaded,
      messageDeleteStarted({ id: message(2).id }),
      catchUp(messages(1, 3), after(message(3))),
    );
    expect(idsOf(state)).toEqual([message(1).id, message(3).id]);
  });

  it('applies an edit of a message it has but never adds one it does not', () => {
    const loaded = apply(history(messages(1, 3)));
    const state = then(
      loaded,
      messagesReceived(
        CONVERSATION,
        [message(2, { text: 'edited', is_edited: true }), message(99)],
        {
          source: 'socket',
          updatesOnly: true,
        },
      ),
    );
    expect(textsOf(state)).toEqual(['message 1', 'edited', 'message 3']);
  });

  it('removes messages deleted on the server', () => {
    const state = apply(
      history(messages(1, 3)),
      messagesRemoved({ conversationId: CONVERSATION, ids: [message(1).id] }),
    );
    expect(idsOf(state)).toEqual([message(2).id, message(3).id]);
  });
});

describe('messages: conversations and sessions going away', () => {
  it('drops every message of a removed conversation', () => {
    const state = apply(
      history(messages(1, 3)),
      messageComposed({ conversationId: CONVERSATION, text: 'x', senderId: 1 }),
      conversationRemoved({ id: CONVERSATION }),
    );
    expect(state.messages.conversations).toEqual({});
  });

  it('leaves nothing of a session behind when it ends, and counts the session on', () => {
    const state = apply(
      subscribed,
      opened,
      history(messages(1, 3)),
      messageComposed({ conversationId: CONVERSATION, text: 'x', senderId: 1 }),
      sessionEnded({ reason: 'logout' }),
    );
    const fresh = apply();
    expect({ ...state, session: fresh.session }).toEqual(fresh);
    expect(state.session.generation).toBe(fresh.session.generation + 1);
  });
});

describe('messages: windowing', () => {
  it('drops the oldest beyond the window with their edit stashes, and keeps the rest', () => {
    const list = messages(1, 10);
    const state = apply(
      history(list, latest(10)),
      messageEditStarted({ id: message(1).id, text: 'edited, then trimmed' }),
      messageDeleteStarted({ id: message(2).id }),
      messageEditStarted({ id: message(9).id, text: 'edited, kept' }),
      messageDeleteStarted({ id: message(10).id }),
      messagesTrimmed({ conversationId: CONVERSATION, keep: 5 }),
    );
    const timeline = state.messages.conversations[CONVERSATION]!;
    // Deletions on their way are out of the window: the five kept are 5–9, and both stay stashed.
    expect(idsOf(state)).toEqual(ids(5, 9));
    expect(Object.keys(timeline.editing)).toEqual([message(9).id]);
    expect(Object.keys(timeline.deleting).sort()).toEqual([message(2).id, message(10).id]);
    expect(selectPaging(root(state), CONVERSATION).hasMoreOlder).toBe(true);
  });
});
