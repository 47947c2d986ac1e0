import {
  chatApi,
  loadOlderMessages,
  selectAuthExpired,
  selectConnection,
  submitMessage,
  subscribeToConversation,
} from 'unet-chat-redux';
import { createSyncHarness } from '../support/syncHarness';
import type { SyncHarness } from '../support/syncHarness';
import { createModelServer } from '../support/modelServer';

/** The session boundary: one user per session, a clean end, a pause while the credentials fail. */
const C = '0190c000-0000-7000-8000-0000000000e1';

const harnesses: SyncHarness[] = [];
afterEach(() => {
  for (const harness of harnesses.splice(0)) harness.chat.dispose();
});

describe('sessions', () => {
  it('ends the old session by itself when another user is logged in, before anything of theirs is shown', async () => {
    const server = createModelServer();
    const who = { id: 1 };
    const harness = createSyncHarness({}, { getCurrentUserId: () => who.id }, { server });
    harnesses.push(harness);
    server.post(C, 2, { text: 'for user 1' });
    harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    expect(harness.messagesOf(C).map((m) => m.text)).toEqual(['for user 1']);
    expect(harness.store.getState().chat.session.userId).toBe(1);

    // The host switched the person without calling endSession().
    who.id = 3;
    harness.store.dispatch(subscribeToConversation('0190c000-0000-7000-8000-0000000000e2'));
    const state = harness.store.getState();
    expect(state.chat.session.userId).toBe(3);
    expect(state.chat.messages.conversations[C]).toBeUndefined();
    expect(selectConnection(state, C).status).toBe('idle');
    expect(harness.actions.some((a) => a.type === 'chat/sessionEnded')).toBe(true);
  });

  it('pauses while the credentials fail (nothing lost, no retry storm) and resumes when they work again', async () => {
    const server = createModelServer();
    let valid = true;
    const harness = createSyncHarness(
      {},
      { refreshAccessToken: async () => false, socket: { enabled: false } },
      { server },
    );
    harnesses.push(harness);
    harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    server.fail(
      () => !valid,
      { status: 401, body: { detail: 'revoked', code: 'token_revoked' } },
      1000,
    );
    valid = false;
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'wait for me' }));
    await harness.advance(60_000);
    expect(selectAuthExpired(harness.store.getState())).toBe(true);
    expect(harness.messagesOf(C).map((m) => m.status)).toEqual(['pending']);
    const attemptsWhileExpired = server.requests.filter((r) => r.method === 'POST').length;
    await harness.advance(120_000);
    // The outbox does not hammer the server with a dead token.
    expect(server.requests.filter((r) => r.method === 'POST').length).toBe(attemptsWhileExpired);

    // The person logs in again: the next successful request proves it.
    valid = true;
    harness.token.value = 'token-2';
    await harness.store.dispatch(
      chatApi.endpoints.getConversations.initiate(undefined, { subscribe: false }),
    );
    await harness.advance(5_000);
    expect(selectAuthExpired(harness.store.getState())).toBe(false);
    expect(harness.messagesOf(C).map((m) => [m.text, m.status])).toEqual([['wait for me', 'sent']]);
  });
});

describe('bounded memory', () => {
  const id = (n: number) => `0190c000-0000-7000-8000-${String(n).padStart(12, '0')}`;

  it('drops the least recently shown idle conversations beyond the budget, never a shown one or one with unsent messages', async () => {
    const server = createModelServer();
    const harness = createSyncHarness({}, { memory: { idleConversations: 2 } }, { server });
    harnesses.push(harness);
    for (let n = 1; n <= 5; n++) server.post(id(n), 2, { text: `in ${n}` });
    const shown = harness.store.dispatch(subscribeToConversation(id(5)));
    for (let n = 1; n <= 4; n++) {
      const leave = harness.store.dispatch(subscribeToConversation(id(n)));
      await harness.settle();
      if (n === 1) {
        server.setUp(false);
        harness.store.dispatch(submitMessage({ conversationId: id(1), text: 'unsent' }));
        await harness.settle();
        server.setUp(true);
        server.setAutoAnswer(false);
      }
      leave();
      await harness.settle();
    }
    const kept = Object.keys(harness.store.getState().chat.messages.conversations).sort();
    // 5 is shown; 1 has an unsent message; of the idle 2, 3, 4 the two last shown stay.
    expect(kept).toEqual([id(1), id(3), id(4), id(5)].sort());
    shown();
  });

  it('trims a conversation nobody shows to the window, and scroll-back loads the rest again', async () => {
    const server = createModelServer();
    const harness = createSyncHarness(
      {},
      { memory: { maxMessagesPerConversation: 100 }, pageSize: 200 },
      { server },
    );
    harnesses.push(harness);
    for (let n = 0; n < 150; n++) server.post(C, 2, { text: `m${n}` });
    const leave = harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    expect(harness.messagesOf(C)).toHaveLength(150);
    leave();
    await harness.settle();
    expect(harness.messagesOf(C).map((m) => m.text)).toEqual(
      server
        .messagesOf(C)
        .slice(50)
        .map((m) => m.text),
    );
    const again = harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    await harness.store.dispatch(loadOlderMessages(C));
    await harness.settle();
    expect(harness.messagesOf(C)).toHaveLength(150);
    again();
  });

  it('lets live messages push the oldest out of a shown conversation past twice the window, unless someone scrolled back', async () => {
    const server = createModelServer();
    const harness = createSyncHarness(
      {},
      { memory: { maxMessagesPerConversation: 50 } },
      { server },
    );
    harnesses.push(harness);
    harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    for (let n = 0; n < 101; n++) server.post(C, 2, { text: `live ${n}` });
    await harness.settle();
    expect(harness.messagesOf(C)).toHaveLength(50);
    expect(harness.messagesOf(C).at(-1)?.text).toBe('live 100');
    expect(harness.syncOf(C).phase).toBe('live');
  });
});
