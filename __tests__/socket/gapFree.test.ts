import {
  chatApi,
  disconnectRequested,
  reconnectRequested,
  selectConnection,
  selectLastMessage,
  submitMessage,
  subscribeToConversation,
} from 'unet-chat-redux';
import type { Message } from 'unet-chat-redux';
import { createSyncHarness, ME } from '../support/syncHarness';
import type { SyncHarness } from '../support/syncHarness';
import type { RecordedRequest } from '../support/fakeFetch';

/**
 * The promise of a chat — every message once, in order, no holes — under
 * the faults that broke it (issue 8). Each test is one bug found; it runs the
 * real store and middleware against the in-process model server.
 */
const C = '0190c000-0000-7000-8000-00000000000c';
const OTHER = 2;

let current: SyncHarness | undefined;
afterEach(() => current?.chat.dispose());
const make = (...args: Parameters<typeof createSyncHarness>) =>
  (current = createSyncHarness(...args));

const texts = (list: readonly { text: string | null }[]) => list.map((m) => m.text);
const isHistory = (after?: boolean) => (request: RecordedRequest) =>
  request.method === 'GET' &&
  /\/messages\/[^/]+$/.test(new URL(request.url).pathname) &&
  (after === undefined || new URL(request.url).searchParams.has('after') === after);

/** The store shows exactly what the server has, in its order, nothing pending. */
function expectConverged(harness: SyncHarness, conversationId = C): void {
  const shown = harness.messagesOf(conversationId);
  expect(shown.map((m) => m.id)).toEqual(
    harness.server.messagesOf(conversationId).map((m) => m.id),
  );
  expect(shown.every((m) => m.status === 'sent')).toBe(true);
}

async function liveConversation(harness: SyncHarness, seed = 3): Promise<() => void> {
  for (let n = 1; n <= seed; n++) harness.server.post(C, OTHER, { text: `before ${n}` });
  const leave = harness.store.dispatch(subscribeToConversation(C));
  await harness.settle();
  expect(harness.syncOf(C).phase).toBe('live');
  return leave;
}

describe('gap-free delivery (issue 8)', () => {
  it('bug 1: a message we send over REST while the socket is down does not hide what others wrote meanwhile', async () => {
    const harness = make();
    await liveConversation(harness);
    harness.server.setSocketsAccepted(false);
    await harness.settle();
    harness.server.post(C, OTHER, { text: 'during the gap 1' });
    harness.server.post(C, OTHER, { text: 'during the gap 2' });
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'mine, over REST' }));
    await harness.settle();
    harness.server.post(C, OTHER, { text: 'during the gap 3' });
    expect(texts(harness.messagesOf(C))).toContain('mine, over REST');

    harness.server.setSocketsAccepted(true);
    await harness.advance(20_000);
    expectConverged(harness);
    expect(texts(harness.messagesOf(C))).toEqual([
      'before 1',
      'before 2',
      'before 3',
      'during the gap 1',
      'during the gap 2',
      'mine, over REST',
      'during the gap 3',
    ]);
  });

  it('bug 1: the same when the send was confirmed by REST after its socket send was lost', async () => {
    const harness = make({ autoDeliver: false });
    await liveConversation(harness);
    // The socket breaks before the server reads our frame: the echo never comes.
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'mine' }));
    harness.server.setSocketsAccepted(false);
    harness.server.post(C, OTHER, { text: 'theirs, meanwhile' });
    await harness.advance(15_000);
    harness.server.setSocketsAccepted(true);
    harness.server.setAutoDeliver(true);
    await harness.advance(20_000);
    expectConverged(harness);
    expect(texts(harness.messagesOf(C)).slice(3)).toEqual(['theirs, meanwhile', 'mine']);
  });

  it('bug 1: the same when we write into a conversation while unsubscribed and come back', async () => {
    const harness = make();
    const leave = await liveConversation(harness);
    leave();
    await harness.settle();
    harness.server.post(C, OTHER, { text: 'while away' });
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'mine, unsubscribed' }));
    await harness.settle();
    harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    expectConverged(harness);
    expect(texts(harness.messagesOf(C)).slice(3)).toEqual(['while away', 'mine, unsubscribed']);
  });

  it('bug 2: a failed first load is retried without a person, and says why meanwhile', async () => {
    const harness = make();
    harness.server.post(C, OTHER, { text: 'hello' });
    harness.server.fail(isHistory(false), { status: 503, body: { detail: 'busy' } }, 2);
    harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    expect(harness.syncOf(C)).toMatchObject({ phase: 'retrying', errorCode: 'http_503' });
    await harness.advance(10_000);
    expect(harness.syncOf(C).phase).toBe('live');
    expect(texts(harness.messagesOf(C))).toEqual(['hello']);
  });

  it('bug 2: after a failed catch-up, live messages (our own echo included) still show, and the gap closes by itself', async () => {
    const harness = make();
    await liveConversation(harness);
    harness.server.setSocketsAccepted(false);
    await harness.settle();
    harness.server.post(C, OTHER, { text: 'missed' });
    harness.server.fail(isHistory(true), 'network-error', 1);
    harness.server.setSocketsAccepted(true);
    await harness.advance(3_000);
    harness.server.post(C, OTHER, { text: 'live after the failure' });
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'mine after the failure' }));
    await harness.settle();
    // Shown at once (after a gap), not held back until some catch-up succeeds.
    expect(texts(harness.messagesOf(C))).toEqual(
      expect.arrayContaining(['live after the failure', 'mine after the failure']),
    );
    await harness.advance(10_000);
    expectConverged(harness);
    expect(harness.syncOf(C).phase).toBe('live');
  });

  it('bug 3: against a seed server, a send already in the newest page is neither shown nor sent twice', async () => {
    const harness = make({ idempotency: false, paging: false, changes: false, autoAnswer: false });
    harness.server.post(C, OTHER, { text: 'first' });
    harness.store.dispatch(subscribeToConversation(C));
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'Привет' }));
    await harness.settle();
    // The POST lands first; the newest page is answered after it, and contains it.
    const postIndex = () => harness.server.requests.findIndex((r) => r.method === 'POST');
    expect(postIndex()).toBeGreaterThanOrEqual(0);
    harness.server.setAutoAnswer(true);
    await harness.advance(15_000);
    expect(texts(harness.messagesOf(C))).toEqual(['first', 'Привет']);
    expect(harness.server.messagesOf(C).map((m) => m.text)).toEqual(['first', 'Привет']);
  });

  it('bug 4: ending the session leaves no conversation, message or open socket, and the next user gets sockets again', async () => {
    const harness = make();
    await liveConversation(harness);
    harness.chat.endSession();
    const state = harness.store.getState();
    expect(state.chat.messages.conversations).toEqual({});
    expect(state.chat.connections).toEqual({});
    expect(harness.server.memory.sockets.every((socket) => socket.state === 'closed')).toBe(true);

    const sockets = harness.server.memory.sockets.length;
    harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    expect(harness.server.memory.sockets).toHaveLength(sockets + 1);
    expect(harness.syncOf(C).phase).toBe('live');
  });

  it('bug 5: the outbox stops with the session: the previous user’s queue never goes out with the next token', async () => {
    const harness = make({}, { socket: { enabled: false } });
    harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    harness.server.setAutoAnswer(false);
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'from user 1, first' }));
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'from user 1, second' }));
    await harness.settle();
    // The first POST is on its way when user 1 logs out and user 2 logs in.
    harness.chat.endSession();
    harness.token.value = 'token-of-user-2';
    harness.server.setAutoAnswer(true);
    await harness.advance(60_000);
    const posts = harness.server.requests.filter((r) => r.method === 'POST');
    expect(posts.filter((r) => r.authorization === 'Bearer token-of-user-2')).toEqual([]);
    expect(harness.messagesOf(C)).toEqual([]);
  });

  it('bug 6: a stale list answer does not wipe a conversation that is open', async () => {
    const harness = make({ autoAnswer: false });
    harness.server.post(C, OTHER, { text: 'in the new conversation' });
    // The list is asked for before the conversation exists for us (it lacks C) …
    const list = harness.store.dispatch(chatApi.endpoints.getConversations.initiate());
    harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    const isList = (r: RecordedRequest) => r.url.endsWith('/conversations/');
    harness.server.releaseWhere((r) => !isList(r));
    await harness.settle();
    expect(texts(harness.messagesOf(C))).toEqual(['in the new conversation']);
    // … and answered last.
    harness.server.setAutoAnswer(true);
    await list;
    list.unsubscribe();
    await harness.settle();
    harness.server.post(C, OTHER, { text: 'live after the list' });
    await harness.settle();
    expect(texts(harness.messagesOf(C))).toEqual([
      'in the new conversation',
      'live after the list',
    ]);
    expect(selectConnection(harness.store.getState(), C).status).toBe('open');
  });

  it('bug 7: a failed edit does not roll back over an edit the server confirmed by socket', async () => {
    const harness = make();
    await liveConversation(harness);
    const [target] = harness.server.messagesOf(C) as [Message];
    harness.server.fail((r) => r.method === 'PUT', { status: 503, body: { detail: 'busy' } });
    void harness.store.dispatch(
      chatApi.endpoints.editMessage.initiate({ id: target.id, text: 'ours, about to fail' }),
    );
    // Before our PUT is answered, the server confirms another edit by socket.
    harness.server.edit(target.id, 'confirmed by the server');
    await harness.settle();
    expect(harness.messagesOf(C)[0]?.text).toBe('confirmed by the server');
  });

  it('bug 8: a socket 4401 just after a REST refresh does not refresh a second time', async () => {
    const refreshAccessToken = jest.fn(async () => false);
    const harness = make({}, { refreshAccessToken });
    await liveConversation(harness);
    // A REST 401 refreshed the token meanwhile (the host stored the new one).
    harness.token.value = 'token-2';
    harness.server.memory.last()!.serverClose(4401, 'token expired');
    await harness.settle();
    expect(refreshAccessToken).not.toHaveBeenCalled();
    expect(harness.server.memory.last()!.url).toContain('token-2');
    expect(harness.store.getState().chat.session.authExpired).toBe(false);
    expect(selectConnection(harness.store.getState(), C).status).toBe('open');
  });

  it('bug 9: a subscription after disconnect() opens the socket again', async () => {
    const harness = make();
    await liveConversation(harness);
    harness.store.dispatch(disconnectRequested({ conversationId: C }));
    await harness.settle();
    expect(selectConnection(harness.store.getState(), C).status).toBe('closed');
    harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    expect(selectConnection(harness.store.getState(), C).status).toBe('open');
    harness.server.post(C, OTHER, { text: 'after reopening' });
    await harness.settle();
    expect(texts(harness.messagesOf(C)).at(-1)).toBe('after reopening');
  });

  it('bug 11: a 7 s server restart ends open again without a person, even after the fast phase would have spent its attempts', async () => {
    const harness = make();
    await liveConversation(harness);
    // The unluckiest dice: every random share of a delay is zero.
    harness.environment.setRandom(() => 0);
    harness.server.setUp(false);
    await harness.advance(7_000, 250);
    harness.server.post(C, OTHER, { text: 'written while restarting' });
    harness.server.setUp(true);
    await harness.advance(20_000, 250);
    expect(selectConnection(harness.store.getState(), C).status).toBe('open');
    expectConverged(harness);
  });

  it('bug 11: after the fast phase the connection keeps trying on its own (slow phase)', async () => {
    const harness = make();
    await liveConversation(harness);
    harness.server.setSocketsAccepted(false);
    await harness.advance(40_000);
    expect(selectConnection(harness.store.getState(), C).status).toBe('failed');
    harness.server.setSocketsAccepted(true);
    await harness.advance(30_000);
    expect(selectConnection(harness.store.getState(), C).status).toBe('open');
    expectConverged(harness);
  });

  it('bug 11: a page becoming visible tries at once', async () => {
    const harness = make();
    await liveConversation(harness);
    harness.server.setSocketsAccepted(false);
    await harness.advance(40_000);
    harness.server.setSocketsAccepted(true);
    harness.environment.setVisible(false);
    harness.environment.setVisible(true);
    await harness.settle();
    expect(selectConnection(harness.store.getState(), C).status).toBe('open');
  });

  it('bug 11: a handshake into a black hole is abandoned and tried again', async () => {
    const harness = make();
    await liveConversation(harness);
    harness.server.cutSockets();
    // The next socket neither opens nor fails: the model never answers it.
    const pump = harness.server.pump;
    harness.server.pump = () => undefined;
    await harness.advance(12_000);
    harness.server.pump = pump;
    await harness.advance(5_000);
    expect(selectConnection(harness.store.getState(), C).status).toBe('open');
    expect(harness.server.memory.sockets.length).toBeGreaterThanOrEqual(3);
  });

  it('bug 12: a send hit by a network error stays pending and goes out when the server is back', async () => {
    const harness = make({}, { socket: { enabled: false } });
    harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    harness.server.setUp(false);
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'through the outage' }));
    await harness.advance(5_000);
    expect(harness.messagesOf(C).map((m) => m.status)).toEqual(['pending']);
    harness.server.setUp(true);
    await harness.advance(40_000);
    expect(harness.messagesOf(C).map((m) => [m.text, m.status])).toEqual([
      ['through the outage', 'sent'],
    ]);
    expect(harness.server.messagesOf(C)).toHaveLength(1);
  });

  it('bug 12: only a refusal marks a send failed, with the server’s code', async () => {
    const harness = make({}, { socket: { enabled: false } });
    harness.server.fail((r) => r.method === 'POST', {
      status: 400,
      body: { detail: 'text: too long', code: 'validation_error' },
    });
    harness.store.dispatch(subscribeToConversation(C));
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'refused' }));
    await harness.settle();
    expect(harness.messagesOf(C)[0]).toMatchObject({
      status: 'failed',
      errorCode: 'validation_error',
      error: 'text: too long',
    });
  });

  it('bug 12: the list preview is the unsent message, marked as such', async () => {
    const harness = make({}, { socket: { enabled: false } });
    harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    harness.server.setUp(false);
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'not yet' }));
    await harness.settle();
    expect(selectLastMessage(harness.store.getState(), C)).toMatchObject({
      text: 'not yet',
      status: 'pending',
    });
  });

  it('sends in order, each once, across a socket drop in the middle of a burst', async () => {
    const harness = make({ autoDeliver: false });
    await liveConversation(harness);
    for (const text of ['a', 'b', 'c', 'd']) {
      harness.store.dispatch(submitMessage({ conversationId: C, text }));
    }
    await harness.settle();
    harness.server.deliver();
    await harness.settle();
    harness.server.cutSockets();
    harness.server.setAutoDeliver(true);
    await harness.advance(20_000);
    expectConverged(harness);
    expect(texts(harness.server.messagesOf(C)).slice(3)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('[ext] a rate-limited send waits for the hint and goes again, in order', async () => {
    const harness = make();
    await liveConversation(harness);
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'one' }));
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'two' }));
    // Answer the first frame with `rate_limited` instead of storing it.
    const socket = harness.server.memory.last()!;
    const clientId = (socket.sentFrames()[0] as { payload: { client_id: string } }).payload
      .client_id;
    socket.sent.splice(0);
    socket.receive({
      type: 'error',
      payload: {
        code: 'rate_limited',
        detail: 'slow down',
        client_id: clientId,
        retry_after_ms: 2000,
      },
    });
    await harness.settle();
    expect(
      harness
        .messagesOf(C)
        .slice(3)
        .map((m) => m.status),
    ).toEqual(['pending', 'pending']);
    await harness.advance(3_000);
    expect(texts(harness.server.messagesOf(C)).slice(3)).toEqual(['one', 'two']);
    expectConverged(harness);
  });

  it('[ext] edits and deletions made while away are applied after the reconnect', async () => {
    const harness = make();
    await liveConversation(harness);
    const [first, second] = harness.server.messagesOf(C) as [Message, Message];
    harness.server.setSocketsAccepted(false);
    await harness.settle();
    harness.server.edit(first.id, 'edited while away');
    harness.server.remove(second.id);
    harness.server.setSocketsAccepted(true);
    await harness.advance(20_000);
    expect(texts(harness.messagesOf(C))).toEqual(['edited while away', 'before 3']);
  });

  it('[ext] against a server without "changes since", asks once and never again', async () => {
    const harness = make({ changes: false });
    await liveConversation(harness);
    for (let i = 0; i < 3; i++) {
      harness.server.cutSockets();
      await harness.advance(5_000);
    }
    const changeRequests = harness.server.requests.filter((r) => r.url.includes('/changes/'));
    expect(changeRequests).toHaveLength(1);
    expectConverged(harness);
  });

  it('without an open socket for long (the slow phase), others’ messages still arrive over REST', async () => {
    const harness = make();
    await liveConversation(harness);
    harness.server.setSocketsAccepted(false);
    await harness.advance(40_000);
    expect(selectConnection(harness.store.getState(), C).status).toBe('failed');
    harness.server.post(C, OTHER, { text: 'while the socket is refused' });
    await harness.advance(31_000);
    expect(texts(harness.messagesOf(C)).at(-1)).toBe('while the socket is refused');
  });

  it('with real time off, others’ messages arrive over REST every 30 s, and our send closes its gap at once', async () => {
    const harness = make({}, { socket: { enabled: false } });
    harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    harness.server.post(C, OTHER, { text: 'theirs' });
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'mine' }));
    await harness.advance(2_000);
    expectConverged(harness);
    harness.server.post(C, OTHER, { text: 'later' });
    await harness.advance(31_000);
    expectConverged(harness);
  });

  it('an open socket that echoes nothing for 10 s is reconnected, and the message is not doubled', async () => {
    const harness = make({ autoDeliver: false });
    await liveConversation(harness);
    const sockets = harness.server.memory.sockets.length;
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'unechoed' }));
    await harness.settle();
    expect(harness.server.messagesOf(C).map((m) => m.text)).toContain('unechoed');
    await harness.advance(11_000);
    expect(harness.server.memory.sockets.length).toBeGreaterThan(sockets);
    harness.server.setAutoDeliver(true);
    await harness.advance(10_000);
    expectConverged(harness);
    expect(texts(harness.server.messagesOf(C)).filter((t) => t === 'unechoed')).toHaveLength(1);
  });

  it('a manual Reconnect still works in the slow phase', async () => {
    const harness = make();
    await liveConversation(harness);
    harness.server.setSocketsAccepted(false);
    await harness.advance(40_000);
    harness.server.setSocketsAccepted(true);
    harness.store.dispatch(reconnectRequested({ conversationId: C }));
    await harness.settle();
    expect(selectConnection(harness.store.getState(), C).status).toBe('open');
    expect(ME).toBe(1);
  });
});
