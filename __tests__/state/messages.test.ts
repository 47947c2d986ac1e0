import {
  chatReducer,
  connectionStatusChanged,
  conversationRemoved,
  messageComposed,
  messageDeleteFailed,
  messageDeleteStarted,
  messageDiscarded,
  messageEditFailed,
  messageEditStarted,
  messageRetried,
  messageSendFailed,
  messagesReceived,
  messagesRemoved,
  selectMessagesOfConversation,
  selectPaging,
} from 'unet-chat-redux';
import type { ChatState, Message, PageRequest } from 'unet-chat-redux';
import type { UnknownAction } from '@reduxjs/toolkit';
import { CONVERSATION, message, messages } from '../support/factories';

const apply = (...actions: UnknownAction[]): ChatState =>
  actions.reduce<ChatState>(
    (state, action) => chatReducer(state, action),
    chatReducer(undefined, { type: 'init' }),
  );

const root = (chat: ChatState) => ({ chat });
const idsOf = (chat: ChatState) =>
  selectMessagesOfConversation(root(chat), CONVERSATION).map((m) => m.id);
const textsOf = (chat: ChatState) =>
  selectMessagesOfConversation(root(chat), CONVERSATION).map((m) => m.text);

const latest = (limit = 50): PageRequest => ({ direction: 'latest', cursor: null, limit });
const history = (list: Message[], page: PageRequest = latest()) =>
  messagesReceived(CONVERSATION, list, { source: 'history', page });
const live = (...list: Message[]) => messagesReceived(CONVERSATION, list, { source: 'socket' });

describe('messages: ordering and identity', () => {
  it('orders messages by created_at whatever order they arrive in', () => {
    const state = apply(history([message(3), message(1), message(2)]));
    expect(idsOf(state)).toEqual([message(1).id, message(2).id, message(3).id]);
  });

  it('keeps the order of messages that share a timestamp in the order first learned', () => {
    const at = message(5).created_at;
    const first = message(10, { created_at: at, id: '0190a000-0000-7000-9000-00000000000f' });
    const second = message(11, { created_at: at, id: '0190a000-0000-7000-9000-0000000000a0' });
    const state = apply(history([message(1)]), live(first), live(second));
    expect(idsOf(state)).toEqual([message(1).id, first.id, second.id]);
  });

  it('reads timestamps without a zone as UTC, whatever the local time zone', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'Asia/Bishkek'; // UTC+6: a local-time reading would be 6 hours off
    try {
      const state = apply(history([message(1, { created_at: '2026-01-01T12:00:05' }), message(2)]));
      expect(idsOf(state)).toEqual([message(2).id, message(1).id]);
      expect(state.messages.entities[message(1).id]?.created_ms).toBe(
        Date.parse('2026-01-01T12:00:05Z'),
      );
    } finally {
      process.env.TZ = zone;
    }
  });

  it('stores a message learned by REST answer, socket echo and catch-up once', () => {
    const m = message(7);
    const state = apply(
      history(messages(1, 6)),
      messagesReceived(CONVERSATION, [m], { source: 'send' }),
      live(m),
      messagesReceived(CONVERSATION, [m], {
        source: 'catchUp',
        page: { direction: 'newer', cursor: message(6).id, limit: 50 },
      }),
    );
    expect(idsOf(state).filter((id) => id === m.id)).toHaveLength(1);
    expect(state.messages.ids.filter((id) => id === m.id)).toHaveLength(1);
    expect(idsOf(state)).toHaveLength(7);
  });

  it('ignores messages of another conversation in a conversation batch', () => {
    const stray = message(9, { conversation_id: 'other' });
    const state = apply(history([message(1), stray]));
    expect(idsOf(state)).toEqual([message(1).id]);
  });
});

describe('messages: paging', () => {
  it('marks older history as available when the newest page is full', () => {
    const state = apply(history(messages(51, 100)));
    expect(selectPaging(root(state), CONVERSATION)).toMatchObject({
      hasMoreOlder: true,
      historyLoaded: true,
      caughtUp: true,
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

describe('messages: gaps (the caughtUp rule)', () => {
  it('holds live messages back while the newest messages may have a gap, and merges them after catch-up', () => {
    const state1 = apply(
      history(messages(1, 5)),
      connectionStatusChanged({ conversationId: CONVERSATION, status: 'reconnecting', attempt: 1 }),
      live(message(9)),
    );
    expect(idsOf(state1)).toEqual(messages(1, 5).map((m) => m.id));
    expect(selectPaging(root(state1), CONVERSATION).caughtUp).toBe(false);

    const state2 = chatReducer(
      state1,
      messagesReceived(CONVERSATION, messages(6, 9), {
        source: 'catchUp',
        page: { direction: 'newer', cursor: message(5).id, limit: 50 },
      }),
    );
    expect(idsOf(state2)).toEqual(messages(1, 9).map((m) => m.id));
    expect(selectPaging(root(state2), CONVERSATION).caughtUp).toBe(true);
  });

  it('stays behind the gap until the last catch-up page arrives', () => {
    const state = apply(
      history(messages(1, 5)),
      connectionStatusChanged({ conversationId: CONVERSATION, status: 'reconnecting', attempt: 1 }),
      messagesReceived(CONVERSATION, messages(6, 7), {
        source: 'catchUp',
        page: { direction: 'newer', cursor: message(5).id, limit: 2 },
      }),
    );
    expect(selectPaging(root(state), CONVERSATION).caughtUp).toBe(false);
  });

  it('restarts the view from the newest page when it does not touch what was loaded', () => {
    const state = apply(
      history(messages(1, 5), latest(5)),
      connectionStatusChanged({ conversationId: CONVERSATION, status: 'closed' }),
      // Much later the newest page no longer reaches back to what we had.
      history(messages(100, 104), latest(5)),
    );
    expect(idsOf(state)).toEqual(messages(100, 104).map((m) => m.id));
    expect(state.messages.entities[message(1).id]).toBeUndefined();
    expect(selectPaging(root(state), CONVERSATION)).toMatchObject({
      hasMoreOlder: true,
      caughtUp: true,
    });
  });

  it('recognizes a catch-up answer from a server without paging (it contains the cursor) and merges it', () => {
    const state = apply(
      history(messages(1, 5)),
      connectionStatusChanged({ conversationId: CONVERSATION, status: 'reconnecting', attempt: 1 }),
      live(message(9)),
      messagesReceived(CONVERSATION, messages(1, 9), {
        source: 'catchUp',
        page: { direction: 'newer', cursor: message(5).id, limit: 50 },
      }),
    );
    expect(idsOf(state)).toEqual(messages(1, 9).map((m) => m.id));
    expect(selectPaging(root(state), CONVERSATION).caughtUp).toBe(true);
  });

  it('merges by id when a server without `after` returns an overlapping newest page', () => {
    const state = apply(
      history(messages(1, 5), latest(5)),
      connectionStatusChanged({ conversationId: CONVERSATION, status: 'reconnecting', attempt: 1 }),
      messagesReceived(CONVERSATION, messages(4, 8), {
        source: 'catchUp',
        page: { direction: 'newer', cursor: message(5).id, limit: 5 },
      }),
    );
    expect(idsOf(state)).toEqual(messages(1, 8).map((m) => m.id));
  });

  it('holds live messages that arrive before the first history page', () => {
    const state = apply(live(message(20)), history(messages(1, 19)));
    expect(idsOf(state)).toEqual(messages(1, 20).map((m) => m.id));
  });
});

describe('messages: optimistic send', () => {
  const composed = messageComposed({
    conversationId: CONVERSATION,
    text: '  Привет!  ',
    senderId: 1,
  });
  const clientId = composed.payload.clientId;

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
    expect(state.messages.entities[clientId]).toBeUndefined();
  });

  it('confirms by the REST answer and merges the later echo without duplicating', () => {
    const answer = message(3, { sender_id: 1, text: 'Привет!' });
    const state = apply(
      history(messages(1, 2)),
      composed,
      messagesReceived(CONVERSATION, [answer], { source: 'send', confirms: clientId }),
      live({ ...answer, client_id: clientId }),
    );
    expect(idsOf(state)).toEqual([message(1).id, message(2).id, answer.id]);
    expect(state.messages.entities[answer.id]?.client_id).toBe(clientId);
  });

  it('matches an echo without client_id to the first pending message with the same text and reply target', () => {
    const second = messageComposed({ conversationId: CONVERSATION, text: 'Привет!', senderId: 1 });
    const echo = message(3, {
      sender_id: 1,
      text: 'Привет!',
      created_at: new Date().toISOString(),
    });
    const state = apply(history(messages(1, 2)), composed, second, live(echo));
    const list = selectMessagesOfConversation(root(state), CONVERSATION);
    expect(list.map((m) => [m.id, m.status])).toEqual([
      [message(1).id, 'sent'],
      [message(2).id, 'sent'],
      [echo.id, 'sent'],
      [second.payload.clientId, 'pending'],
    ]);
    expect(list[2]?.client_id).toBe(clientId);
  });

  it('does not match an echo from someone else', () => {
    const echo = message(3, {
      sender_id: 2,
      text: 'Привет!',
      created_at: new Date().toISOString(),
    });
    const state = apply(history(messages(1, 2)), composed, live(echo));
    expect(selectMessagesOfConversation(root(state), CONVERSATION).map((m) => m.status)).toEqual([
      'sent',
      'sent',
      'sent',
      'pending',
    ]);
  });

  it('marks a failed send, retries it and discards it', () => {
    const failed = apply(
      composed,
      messageSendFailed({ conversationId: CONVERSATION, clientId, error: 'Forbidden' }),
    );
    expect(failed.messages.entities[clientId]).toMatchObject({
      status: 'failed',
      error: 'Forbidden',
    });
    expect(failed.notices.items.at(-1)).toMatchObject({ code: 'send_failed', detail: 'Forbidden' });

    const retried = chatReducer(failed, messageRetried({ conversationId: CONVERSATION, clientId }));
    expect(retried.messages.entities[clientId]).toMatchObject({ status: 'pending', error: null });

    const discarded = chatReducer(
      retried,
      messageDiscarded({ conversationId: CONVERSATION, clientId }),
    );
    expect(discarded.messages.entities[clientId]).toBeUndefined();
    expect(selectMessagesOfConversation(root(discarded), CONVERSATION)).toEqual([]);
  });
});

describe('messages: optimistic edit and delete', () => {
  it('shows an edit at once and restores the previous text when it fails, with a notice', () => {
    const loaded = apply(history(messages(1, 3)));
    const previous = loaded.messages.entities[message(2).id]!;
    const edited = chatReducer(loaded, messageEditStarted({ id: previous.id, text: 'new text' }));
    expect(textsOf(edited)[1]).toBe('new text');
    const rolledBack = chatReducer(
      edited,
      messageEditFailed({ previous, error: 'Only the sender may edit' }),
    );
    expect(textsOf(rolledBack)[1]).toBe('message 2');
    expect(rolledBack.notices.items.at(-1)).toMatchObject({
      code: 'edit_failed',
      detail: 'Only the sender may edit',
    });
  });

  it('removes a deleted message at once and puts it back in place when the delete fails', () => {
    const loaded = apply(history(messages(1, 3)));
    const target = loaded.messages.entities[message(2).id]!;
    const deleted = chatReducer(loaded, messageDeleteStarted({ id: target.id }));
    expect(idsOf(deleted)).toEqual([message(1).id, message(3).id]);
    const restored = chatReducer(deleted, messageDeleteFailed({ message: target, error: 'Nope' }));
    expect(idsOf(restored)).toEqual(messages(1, 3).map((m) => m.id));
    expect(restored.notices.items.at(-1)?.code).toBe('delete_failed');
  });

  it('applies an edit of a message it has but never adds one it does not', () => {
    const loaded = apply(history(messages(1, 3)));
    const state = chatReducer(
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

describe('messages: conversations going away', () => {
  it('drops every message of a removed conversation', () => {
    const state = apply(
      history(messages(1, 3)),
      messageComposed({ conversationId: CONVERSATION, text: 'x', senderId: 1 }),
      conversationRemoved({ id: CONVERSATION }),
    );
    expect(state.messages.ids).toEqual([]);
    expect(state.messages.timelines[CONVERSATION]).toBeUndefined();
    expect(state.messages.byClientId).toEqual({});
  });
});
