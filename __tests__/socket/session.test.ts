import {
  chatApi,
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
