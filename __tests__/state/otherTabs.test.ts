import { configureStore } from '@reduxjs/toolkit';
import {
  chatReducer,
  conversationReceived,
  messagesReceived,
  otherTabsOutboxSynced,
  messageComposed,
  outboxRestored,
  selectLastMessage,
  selectLastMessages,
  selectMessagesOfConversation,
} from 'unet-chat-redux';
import type { Message, OtherTabMessage } from 'unet-chat-redux';
import { fakeConversation } from 'unet-chat-redux/testing';

/**
 * `chat.otherTabs`: the unsent messages of the user's other tabs, shown after
 * this tab's messages until the server's copy arrives — matched by client_id,
 * or by content from a server that echoes none — and never twice.
 */
const C = '0190c000-0000-7000-8000-0000000000a1';

const entry = (fields: Partial<OtherTabMessage> = {}): OtherTabMessage => ({
  clientId: 'c-1',
  conversationId: C,
  senderId: 1,
  text: 'ok',
  replyTo: null,
  createdAt: '2026-01-01T00:00:10.000Z',
  status: 'pending',
  error: null,
  errorCode: null,
  attempts: 1,
  sentAfterMs: Date.parse('2026-01-01T00:00:05.000Z'),
  tab: 'tab-b',
  ...fields,
});

const message = (fields: Partial<Message> & { client_id?: string | null }): Message =>
  ({
    id: '0190c000-0000-7000-8000-0000000000m1',
    conversation_id: C,
    sender_id: 1,
    text: 'ok',
    reply_to: null,
    is_edited: false,
    created_at: '2026-01-01T00:00:11.000Z',
    ...fields,
  }) as Message;

function store() {
  return configureStore({ reducer: { chat: chatReducer } });
}
const shown = (state: ReturnType<ReturnType<typeof store>['getState']>) =>
  selectMessagesOfConversation(state, C).map((m) => `${m.text}:${m.status}`);

describe('chat.otherTabs', () => {
  it('shows another tab’s message as pending, and only the server copy once it arrives (client_id)', () => {
    const { dispatch, getState } = store();
    dispatch(otherTabsOutboxSynced({ messages: [entry()] }));
    expect(shown(getState())).toEqual(['ok:pending']);
    dispatch(messagesReceived(C, [message({ client_id: 'c-1' })], { source: 'socket' }));
    expect(shown(getState())).toEqual(['ok:sent']);
    expect(getState().chat.otherTabs.pending).toEqual({});
  });

  it('matches by content from a server without client_id, but not an older message of a history page', () => {
    const { dispatch, getState } = store();
    dispatch(otherTabsOutboxSynced({ messages: [entry()] }));
    // An "ok" from before the other tab sent its own: still two, the old one and the pending one.
    dispatch(
      messagesReceived(
        C,
        [
          message({
            id: '0190c000-0000-7000-8000-0000000000m0',
            created_at: '2026-01-01T00:00:01.000Z',
          }),
        ],
        { source: 'history', page: { direction: 'latest', cursor: null, limit: 50 } },
      ),
    );
    expect(shown(getState())).toEqual(['ok:sent', 'ok:pending']);
    // The new one (after it was sent) is its copy.
    dispatch(messagesReceived(C, [message({})], { source: 'socket' }));
    expect(shown(getState())).toEqual(['ok:sent', 'ok:sent']);
    // A stale record bringing the entry back does not show it twice.
    dispatch(otherTabsOutboxSynced({ messages: [entry()] }));
    expect(shown(getState())).toEqual(['ok:sent', 'ok:sent']);
  });

  it('marks another tab’s messages as held elsewhere, and this tab’s own not', () => {
    const { dispatch, getState } = store();
    dispatch(otherTabsOutboxSynced({ messages: [entry({ status: 'failed' })] }));
    expect(selectMessagesOfConversation(getState(), C).map((m) => m.elsewhere)).toEqual([true]);
    // Adopted (its tab closed): this tab's own now, to retry or discard here.
    const { tab: _tab, ...adopted } = entry({ status: 'failed' });
    dispatch(outboxRestored({ messages: [adopted] }));
    expect(selectMessagesOfConversation(getState(), C).map((m) => m.elsewhere)).toEqual([
      undefined,
    ]);
  });

  it('drops entries this tab adopted, and replaces them all on each sync', () => {
    const { dispatch, getState } = store();
    dispatch(
      otherTabsOutboxSynced({ messages: [entry(), entry({ clientId: 'c-2', text: 'two' })] }),
    );
    expect(shown(getState())).toEqual(['ok:pending', 'two:pending']);
    const { tab: _tab, ...adopted } = entry();
    dispatch(outboxRestored({ messages: [adopted] }));
    // Ours now: shown once, from this tab's outbox.
    expect(shown(getState())).toEqual(['ok:pending', 'two:pending']);
    expect(getState().chat.otherTabs.pending[C]?.map((m) => m.clientId)).toEqual(['c-2']);
    dispatch(otherTabsOutboxSynced({ messages: [] }));
    expect(getState().chat.otherTabs.pending).toEqual({});
  });

  it('previews another tab’s unsent message as the last one, marked, until the server’s copy arrives', () => {
    const { dispatch, getState } = store();
    dispatch(conversationReceived(fakeConversation(1, { id: C }), 'created'));
    dispatch(messagesReceived(C, [message({ id: 'm-0', text: 'before' })], { source: 'socket' }));
    expect(selectLastMessages(getState())[C]).toMatchObject({ text: 'before' });
    dispatch(otherTabsOutboxSynced({ messages: [entry({ status: 'failed' })] }));
    const last = selectLastMessage(getState(), C);
    expect(last).toMatchObject({ id: 'c-1', text: 'ok', status: 'failed', elsewhere: true });
    expect(selectLastMessages(getState())[C]).toBe(last);
    // The same object while nothing changes (a list row does not re-render).
    expect(selectLastMessage(getState(), C)).toBe(last);
    dispatch(otherTabsOutboxSynced({ messages: [entry({ status: 'failed' })] }));
    expect(selectLastMessage(getState(), C)).toBe(last);

    dispatch(messagesReceived(C, [message({ client_id: 'c-1' })], { source: 'socket' }));
    expect(selectLastMessage(getState(), C)).toMatchObject({ text: 'ok', status: 'sent' });
    expect(selectLastMessage(getState(), C)).not.toHaveProperty('elsewhere');
  });

  it('previews whichever unsent message was composed last, this tab’s or another’s', () => {
    const LATER = '2999-01-01T00:00:00.000Z';
    const { dispatch, getState } = store();
    dispatch(otherTabsOutboxSynced({ messages: [entry()] }));
    // Composed now: after the other tab's entry (2026-01-01).
    dispatch(messageComposed({ conversationId: C, text: 'here', senderId: 1 }));
    expect(selectLastMessage(getState(), C)).toMatchObject({ text: 'here', status: 'pending' });
    dispatch(
      otherTabsOutboxSynced({
        messages: [entry(), entry({ clientId: 'c-2', text: 'later', createdAt: LATER })],
      }),
    );
    expect(selectLastMessage(getState(), C)).toMatchObject({ text: 'later', elsewhere: true });
    // Adopted (its tab closed): this tab's own now, and the preview says so.
    const { tab: _tab, ...adopted } = entry({
      clientId: 'c-2',
      text: 'later',
      createdAt: LATER,
    });
    dispatch(outboxRestored({ messages: [adopted] }));
    expect(selectLastMessage(getState(), C)).toMatchObject({ text: 'later', status: 'pending' });
    expect(selectLastMessage(getState(), C)).not.toHaveProperty('elsewhere');
  });

  it('previews the server’s copy, not a stale record’s entry that it confirmed already', () => {
    const { dispatch, getState } = store();
    dispatch(
      otherTabsOutboxSynced({ messages: [entry(), entry({ clientId: 'c-2', text: 'two' })] }),
    );
    // Both copies arrive here first (one by client_id, one by content from a seed server)…
    dispatch(messagesReceived(C, [message({ client_id: 'c-1' })], { source: 'socket' }));
    dispatch(
      messagesReceived(
        C,
        [message({ id: 'm-2', text: 'two', created_at: '2026-01-01T00:00:12.000Z' })],
        {
          source: 'socket',
        },
      ),
    );
    // …then a record written before the other tab heard of them.
    dispatch(
      otherTabsOutboxSynced({ messages: [entry(), entry({ clientId: 'c-2', text: 'two' })] }),
    );
    expect(shown(getState())).toEqual(['ok:sent', 'two:sent']);
    expect(selectLastMessage(getState(), C)).toMatchObject({ id: 'm-2', status: 'sent' });
  });
});
