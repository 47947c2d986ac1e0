import {
  chatReducer,
  conversationRemoved,
  makeSelectMessages,
  messageComposed,
  messagesReceived,
  selectConversationById,
  selectConversations,
  selectConversationsMatching,
  selectLastMessage,
  selectLastMessages,
  selectMessageWithReply,
  selectMessagesOfConversation,
  selectPaging,
  selectUnsentMessages,
  usersReceived,
  conversationDisplayName,
  selectUsersById,
} from 'unet-chat-redux';
import type { ChatState, Conversation } from 'unet-chat-redux';
import type { UnknownAction } from '@reduxjs/toolkit';
import {
  CONVERSATION,
  OTHER_CONVERSATION,
  conversation,
  message,
  messages,
} from '../support/factories';

const root = (chat: ChatState) => ({ chat });
const run = (state: ChatState | undefined, ...actions: UnknownAction[]) =>
  actions.reduce<ChatState>(
    (current, action) => chatReducer(current, action),
    state ?? chatReducer(undefined, { type: 'init' }),
  );

/** The action RTK Query dispatches when the conversation list arrives. */
function conversationsLoaded(list: Conversation[]): UnknownAction {
  return {
    type: 'chatApi/executeQuery/fulfilled',
    payload: list,
    meta: {
      arg: {
        endpointName: 'getConversations',
        originalArgs: undefined,
        type: 'query',
        queryCacheKey: 'getConversations(undefined)',
      },
      requestId: 'r1',
      requestStatus: 'fulfilled',
      fulfilledTimeStamp: 1,
      baseQueryMeta: {},
    },
  };
}

const users = [
  { id: 1, username: 'aibek', full_name: 'Айбек Асанов' },
  { id: 2, username: 'aizada', full_name: 'Айзада Токтогулова' },
  { id: 3, username: 'bakyt', full_name: 'Бакыт Жумабаев' },
];

describe('selectors', () => {
  const base = run(
    undefined,
    conversationsLoaded([
      conversation(CONVERSATION, { title: 'Приёмная комиссия', participant_ids: [1, 2] }),
      conversation(OTHER_CONVERSATION, { title: null, type: 'private', participant_ids: [1, 3] }),
    ]),
    usersReceived(users),
    messagesReceived(CONVERSATION, messages(1, 3), {
      source: 'history',
      page: { direction: 'latest', cursor: null, limit: 50 },
    }),
  );

  it('lists conversations by latest activity, feeding the adapter from the API answer', () => {
    expect(selectConversations(root(base)).map((c) => c.id)).toEqual([
      CONVERSATION,
      OTHER_CONVERSATION,
    ]);
    const bumped = run(
      base,
      messagesReceived(OTHER_CONVERSATION, [message(50, { conversation_id: OTHER_CONVERSATION })], {
        source: 'socket',
      }),
    );
    expect(selectConversations(root(bumped)).map((c) => c.id)).toEqual([
      OTHER_CONVERSATION,
      CONVERSATION,
    ]);
  });

  it('finds a conversation by id', () => {
    expect(selectConversationById(root(base), CONVERSATION)?.title).toBe('Приёмная комиссия');
    expect(selectConversationById(root(base), 'missing')).toBeUndefined();
  });

  it('filters conversations by title and by participant names from the directory', () => {
    expect(selectConversationsMatching(root(base), 'комисс').map((c) => c.id)).toEqual([
      CONVERSATION,
    ]);
    expect(selectConversationsMatching(root(base), 'бакыт').map((c) => c.id)).toEqual([
      OTHER_CONVERSATION,
    ]);
    expect(selectConversationsMatching(root(base), 'bakyt').map((c) => c.id)).toEqual([
      OTHER_CONVERSATION,
    ]);
    expect(selectConversationsMatching(root(base), '   ')).toHaveLength(2);
    expect(selectConversationsMatching(root(base), 'nobody')).toEqual([]);
  });

  it('names a private conversation after the other participant', () => {
    const other = selectConversationById(root(base), OTHER_CONVERSATION)!;
    expect(conversationDisplayName(other, selectUsersById(root(base)), 1)).toBe('Бакыт Жумабаев');
  });

  it('returns the same messages array while nothing in that conversation changes', () => {
    const before = selectMessagesOfConversation(root(base), CONVERSATION);
    const elsewhere = run(
      base,
      messagesReceived(OTHER_CONVERSATION, [message(60, { conversation_id: OTHER_CONVERSATION })], {
        source: 'history',
        page: { direction: 'latest', cursor: null, limit: 50 },
      }),
    );
    expect(elsewhere.messages.conversations).not.toBe(base.messages.conversations);
    expect(selectMessagesOfConversation(root(elsewhere), CONVERSATION)).toBe(before);

    const here = run(elsewhere, messagesReceived(CONVERSATION, [message(4)], { source: 'socket' }));
    expect(selectMessagesOfConversation(root(here), CONVERSATION)).not.toBe(before);
    expect(selectMessagesOfConversation(root(here), CONVERSATION)).toHaveLength(4);
  });

  it('keeps each conversation’s array stable when two screens read different conversations', () => {
    // Fresh states: the selectors remember their last result across tests.
    let state = run(
      undefined,
      messagesReceived(CONVERSATION, messages(1, 3), {
        source: 'history',
        page: { direction: 'latest', cursor: null, limit: 50 },
      }),
      messagesReceived(OTHER_CONVERSATION, [message(60, { conversation_id: OTHER_CONVERSATION })], {
        source: 'history',
        page: { direction: 'latest', cursor: null, limit: 50 },
      }),
    );
    const a = selectMessagesOfConversation(root(state), CONVERSATION);
    for (let n = 61; n < 65; n++) {
      state = run(
        state,
        messagesReceived(
          OTHER_CONVERSATION,
          [message(n, { conversation_id: OTHER_CONVERSATION })],
          { source: 'socket' },
        ),
      );
      // Another screen reads the busy conversation between our reads.
      expect(selectMessagesOfConversation(root(state), OTHER_CONVERSATION)).toHaveLength(n - 59);
      expect(selectMessagesOfConversation(root(state), CONVERSATION)).toBe(a);
    }
  });

  it('gives each component its own memo with makeSelectMessages', () => {
    const selectA = makeSelectMessages();
    const selectB = makeSelectMessages();
    const a = selectA(root(base), CONVERSATION);
    expect(selectB(root(base), OTHER_CONVERSATION)).toEqual([]);
    expect(selectA(root(base), CONVERSATION)).toBe(a);
  });

  it('returns a message with its reply target', () => {
    const state = run(
      base,
      messagesReceived(CONVERSATION, [message(5, { reply_to: message(2).id })], {
        source: 'socket',
      }),
    );
    const item = selectMessageWithReply(root(state), message(5).id);
    expect(item?.replyTo?.id).toBe(message(2).id);
    expect(selectMessageWithReply(root(state), message(1).id)?.replyTo).toBeNull();
  });

  it('knows the last message of each conversation, preferring the newest of history and preview', () => {
    expect(selectLastMessage(root(base), CONVERSATION)?.id).toBe(message(3).id);
    const withPreview = run(
      base,
      conversationsLoaded([
        conversation(CONVERSATION, { last_message: message(90) }),
        conversation(OTHER_CONVERSATION, {
          last_message: message(91, { conversation_id: OTHER_CONVERSATION }),
        }),
      ]),
    );
    expect(selectLastMessages(root(withPreview))).toMatchObject({
      [CONVERSATION]: { id: message(90).id },
      [OTHER_CONVERSATION]: { id: message(91).id },
    });
  });

  it('lists the unsent messages of a conversation', () => {
    const state = run(
      base,
      messageComposed({ conversationId: CONVERSATION, text: 'hi', senderId: 1 }),
    );
    expect(selectUnsentMessages(root(state), CONVERSATION).map((m) => m.status)).toEqual([
      'pending',
    ]);
    expect(selectUnsentMessages(root(base), CONVERSATION)).toEqual([]);
  });

  it('reports paging flags with a stable object', () => {
    const paging = selectPaging(root(base), CONVERSATION);
    expect(paging).toMatchObject({ hasMoreOlder: false, historyLoaded: true, loadingOlder: false });
    const elsewhere = run(
      base,
      messageComposed({ conversationId: OTHER_CONVERSATION, text: 'x', senderId: 1 }),
    );
    expect(selectPaging(root(elsewhere), CONVERSATION)).toBe(paging);
  });

  it('forgets a removed conversation and its messages', () => {
    const state = run(base, conversationRemoved({ id: CONVERSATION }));
    expect(selectConversations(root(state)).map((c) => c.id)).toEqual([OTHER_CONVERSATION]);
    expect(selectMessagesOfConversation(root(state), CONVERSATION)).toEqual([]);
  });
});
