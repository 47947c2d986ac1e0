import { configureStore } from '@reduxjs/toolkit';
import {
  createChat,
  createManualEnvironment,
  createMemoryTransport,
  eventsBatched,
  messageRetried,
  messagesReceived,
  protocolErrorReported,
  reconnectRequested,
  selectConnection,
  selectConversations,
  selectMessagesOfConversation,
  selectPaging,
  submitMessage,
  subscribeToConversation,
} from 'unet-chat-redux';
import type { Message } from 'unet-chat-redux';
import type { Middleware, UnknownAction } from '@reduxjs/toolkit';
import { createFakeFetch } from '../support/fakeFetch';
import type { FakeAnswer, RecordedRequest } from '../support/fakeFetch';
import { CONVERSATION, conversation, message, messages } from '../support/factories';

/**
 * Unit tests of the listener middleware: the real store and reducers, an
 * in-memory socket transport, a manual clock and a scripted fetch.
 */
type Handler = (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>;

function setup(handler: Handler = () => ({ status: 200, body: [] })) {
  const memory = createMemoryTransport();
  const environment = createManualEnvironment();
  const { fetchFn, requests } = createFakeFetch((request) => handler(request));
  const chat = createChat({
    baseUrl: 'http://chat.test',
    fetchFn,
    getAccessToken: () => 'token',
    getCurrentUserId: () => 1,
    environment,
    maxRetries: 0,
    // The seed's per-conversation sockets, opened at once (with 'auto' they wait for GET /extensions/).
    socket: { factory: memory.factory, stream: 'never' },
  });
  const actions: UnknownAction[] = [];
  const recorder: Middleware = () => (next) => (action) => {
    actions.push(action as UnknownAction);
    return next(action);
  };
  const store = configureStore({
    reducer: chat.reducers,
    middleware: (getDefault) => getDefault().concat(chat.middleware).concat(recorder),
  });
  const messagesOf = (id = CONVERSATION) => selectMessagesOfConversation(store.getState(), id);
  /** Lets timers of 0 ms (frame batches) and pending promises (fetches) run. */
  const settle = async (rounds = 8) => {
    for (let i = 0; i < rounds; i++) {
      environment.advance(0);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { memory, environment, requests, chat, store, actions, messagesOf, settle };
}

type Setup = ReturnType<typeof setup>;
let current: Setup | undefined;
afterEach(() => current?.chat.dispose());
const make = (handler?: Handler) => (current = setup(handler));

const historyRequests = (requests: RecordedRequest[]) =>
  requests.filter(
    (r) => r.method === 'GET' && r.url.includes('/messages/') && !r.url.includes('/changes/'),
  );

describe('the socket middleware', () => {
  it('opens one socket at the seed URL for two subscribers and closes it with the last one', async () => {
    const { memory, store } = make();
    const leaveA = store.dispatch(subscribeToConversation(CONVERSATION));
    const leaveB = store.dispatch(subscribeToConversation(CONVERSATION));
    expect(memory.sockets).toHaveLength(1);
    expect(memory.last()?.url).toBe(
      `ws://chat.test/api/unet-chat/ws/conversations/${CONVERSATION}/?WWW-Authenticate=Bearer%20token`,
    );
    leaveA();
    expect(memory.last()?.closedByClient).toBeNull();
    leaveB();
    expect(memory.last()?.closedByClient?.code).toBe(1000);
    expect(selectConnection(store.getState(), CONVERSATION).status).toBe('closed');
  });

  it('loads history only once the socket is open, so nothing falls between the two', async () => {
    const { memory, store, requests, settle } = make(() => ({ status: 200, body: messages(1, 3) }));
    store.dispatch(subscribeToConversation(CONVERSATION));
    await settle();
    expect(historyRequests(requests)).toHaveLength(0);
    memory.last()!.open();
    await settle();
    expect(historyRequests(requests).map((r) => new URL(r.url).search)).toEqual(['?limit=50']);
    expect(selectConnection(store.getState(), CONVERSATION).status).toBe('open');
  });

  it('loads history anyway when the socket cannot open in time', async () => {
    const { store, requests, environment, settle } = make(() => ({ status: 200, body: [] }));
    store.dispatch(subscribeToConversation(CONVERSATION));
    environment.advance(1499);
    await settle();
    expect(historyRequests(requests)).toHaveLength(0);
    environment.advance(1);
    await settle();
    expect(historyRequests(requests)).toHaveLength(1);
  });

  it('shows live frames that arrive before the history answer at once, and after it in order', async () => {
    let answerHistory: (answer: FakeAnswer) => void = () => undefined;
    const { memory, store, messagesOf, settle } = make(
      () => new Promise<FakeAnswer>((resolve) => (answerHistory = resolve)),
    );
    store.dispatch(subscribeToConversation(CONVERSATION));
    memory.last()!.open();
    await settle();
    memory.last()!.receive({ type: 'message:new', payload: message(4) });
    await settle();
    expect(messagesOf().map((m) => m.text)).toEqual(['message 4']);
    answerHistory({ status: 200, body: messages(1, 3) });
    await settle();
    expect(messagesOf().map((m) => m.text)).toEqual([
      'message 1',
      'message 2',
      'message 3',
      'message 4',
    ]);
  });

  it('catches up with `after` the newest known message on every reopen', async () => {
    const { memory, store, requests, environment, messagesOf, settle } = make((request) => {
      const after = new URL(request.url).searchParams.get('after');
      return { status: 200, body: after ? messages(4, 5) : messages(1, 3) };
    });
    store.dispatch(subscribeToConversation(CONVERSATION));
    memory.last()!.open();
    await settle();
    memory.last()!.serverClose(1006, 'network');
    await settle();
    expect(selectConnection(store.getState(), CONVERSATION)).toMatchObject({
      status: 'reconnecting',
      attempt: 1,
    });
    expect(selectPaging(store.getState(), CONVERSATION).caughtUp).toBe(false);
    environment.advance(1000);
    expect(memory.sockets).toHaveLength(2);
    memory.last()!.open();
    await settle();
    const urls = historyRequests(requests).map((r) => new URL(r.url).search);
    expect(urls).toEqual(['?limit=50', `?limit=50&after=${message(3).id}`]);
    expect(messagesOf().map((m) => m.text)).toEqual(messages(1, 5).map((m) => m.text));
    expect(selectPaging(store.getState(), CONVERSATION).caughtUp).toBe(true);
  });

  it('pages the catch-up until a short page, holding live frames until it ends', async () => {
    const { memory, store, environment, messagesOf, settle } = make((request) => {
      const after = new URL(request.url).searchParams.get('after');
      if (!after) return { status: 200, body: messages(1, 2) };
      const from = Number(after.slice(-12)) + 1;
      // Pages of 50 until message 120.
      const to = Math.min(from + 49, 120);
      return { status: 200, body: messages(from, to) };
    });
    store.dispatch(subscribeToConversation(CONVERSATION));
    memory.last()!.open();
    await settle();
    memory.last()!.serverClose(1001, 'restart');
    environment.advance(1000);
    memory.last()!.open();
    memory.last()!.receive({ type: 'message:new', payload: message(121) });
    await settle(20);
    expect(messagesOf()).toHaveLength(121);
    expect(messagesOf().at(-1)?.text).toBe('message 121');
  });

  it('sends over the socket when open and stores the message once across echo and catch-up', async () => {
    const { memory, store, environment, requests, messagesOf, settle } = make((request) => {
      const after = new URL(request.url).searchParams.get('after');
      return { status: 200, body: after ? [echo] : [] };
    });
    let echo: Message = message(1);
    store.dispatch(subscribeToConversation(CONVERSATION));
    memory.last()!.open();
    await settle();
    const clientId = store.dispatch(
      submitMessage({ conversationId: CONVERSATION, text: 'over the socket' }),
    )!;
    expect(memory.last()!.sentFrames()).toEqual([
      {
        type: 'message:send',
        payload: { text: 'over the socket', reply_to: null, client_id: clientId },
      },
    ]);
    echo = message(1, { sender_id: 1, text: 'over the socket', client_id: clientId });
    memory.last()!.receive({ type: 'message:new', payload: echo });
    await settle();
    expect(messagesOf().map((m) => [m.id, m.status])).toEqual([[echo.id, 'sent']]);

    memory.last()!.serverClose(1006);
    environment.advance(1000);
    memory.last()!.open();
    await settle();
    // The catch-up brings the same message a third time.
    expect(messagesOf().map((m) => m.id)).toEqual([echo.id]);
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    expect(environment.pendingTimers()).toBe(0);
  });

  it('sends over REST when the socket is not open, and merges the later echo', async () => {
    const sent: Message[] = [];
    const { store, memory, messagesOf, settle } = make((request) => {
      if (request.method === 'POST') {
        const body = request.body as { text: string; client_id: string };
        const stored = message(1, { sender_id: 1, text: body.text, client_id: body.client_id });
        sent.push(stored);
        return { status: 201, body: stored };
      }
      return { status: 200, body: [] };
    });
    store.dispatch(subscribeToConversation(CONVERSATION));
    store.dispatch(submitMessage({ conversationId: CONVERSATION, text: 'over REST' }));
    await settle();
    expect(sent).toHaveLength(1);
    memory.last()!.open();
    memory.last()!.receive({ type: 'message:new', payload: sent[0] });
    await settle();
    expect(messagesOf().map((m) => [m.text, m.status])).toEqual([['over REST', 'sent']]);
  });

  it('falls back to REST with the same client_id when the socket echo never comes', async () => {
    const { memory, store, environment, requests, messagesOf, settle } = make((request) =>
      request.method === 'POST'
        ? {
            status: 201,
            body: message(1, {
              sender_id: 1,
              text: 'lost echo',
              client_id: (request.body as { client_id: string }).client_id,
            }),
          }
        : { status: 200, body: [] },
    );
    store.dispatch(subscribeToConversation(CONVERSATION));
    memory.last()!.open();
    await settle();
    const clientId = store.dispatch(
      submitMessage({ conversationId: CONVERSATION, text: 'lost echo' }),
    );
    environment.advance(10_000);
    await settle();
    const posts = requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => (r.body as { client_id: string }).client_id)).toEqual([clientId]);
    expect(messagesOf().map((m) => m.status)).toEqual(['sent']);
  });

  it('waits while offline and sends the queue in order when the network is back', async () => {
    const posted: string[] = [];
    const { store, environment, messagesOf, settle } = make((request) => {
      if (request.method !== 'POST') return { status: 200, body: [] };
      const body = request.body as { text: string; client_id: string };
      posted.push(body.text);
      return {
        status: 201,
        body: message(posted.length, { sender_id: 1, text: body.text, client_id: body.client_id }),
      };
    });
    environment.setOnline(false);
    store.dispatch(subscribeToConversation(CONVERSATION));
    for (const text of ['a', 'b', 'c'])
      store.dispatch(submitMessage({ conversationId: CONVERSATION, text }));
    await settle();
    expect(posted).toEqual([]);
    expect(messagesOf().map((m) => m.status)).toEqual(['pending', 'pending', 'pending']);
    environment.setOnline(true);
    await settle(20);
    expect(posted).toEqual(['a', 'b', 'c']);
    expect(messagesOf().map((m) => [m.text, m.status])).toEqual([
      ['a', 'sent'],
      ['b', 'sent'],
      ['c', 'sent'],
    ]);
  });

  it('applies a burst of 1,000 frames as one batched dispatch', async () => {
    const { memory, store, messagesOf, settle, actions, requests } = make(() => ({
      status: 200,
      body: [],
    }));
    store.dispatch(subscribeToConversation(CONVERSATION));
    memory.last()!.open();
    // Every request of the subscription answered (history, changes cursor), so only the burst is left.
    for (let round = 0; round < 100; round++) {
      await settle(1);
      const answered = actions.filter((a) => /\/(fulfilled|rejected)$/.test(a.type)).length;
      if (answered >= requests.length && selectPaging(store.getState(), CONVERSATION).historyLoaded)
        break;
    }
    await settle();
    // What each store notification shows. Another action may notify meanwhile (a late
    // answer, a timer, on a loaded machine): only a burst split over several notifications
    // would show some of its messages and not the rest.
    const shown: number[] = [];
    const unsubscribe = store.subscribe(() => shown.push(messagesOf().length));
    const before = actions.length;
    for (const m of messages(1, 1000)) memory.last()!.receive({ type: 'message:new', payload: m });
    await settle(1);
    unsubscribe();
    expect(messagesOf()).toHaveLength(1000);
    const burst = actions.slice(before);
    expect(burst.filter((a) => messagesReceived.match(a))).toHaveLength(1);
    expect(shown.filter((count) => count > 0 && count < 1000)).toEqual([]);
    expect(shown).toContain(1000);
  });

  it('applies mixed frames in order within one eventsBatched action', async () => {
    const { memory, store, messagesOf, settle, actions } = make(() => ({ status: 200, body: [] }));
    store.dispatch(subscribeToConversation(CONVERSATION));
    memory.last()!.open();
    await settle();
    memory.last()!.receive({ type: 'message:new', payload: message(1) });
    memory.last()!.receive({ type: 'message:new', payload: message(2) });
    memory.last()!.receive({
      type: 'message:updated',
      payload: message(1, { text: 'edited', is_edited: true }),
    });
    memory.last()!.receive({
      type: 'message:deleted',
      payload: { id: message(2).id, conversation_id: CONVERSATION },
    });
    await settle(1);
    expect(actions.filter((a) => eventsBatched.match(a))).toHaveLength(1);
    expect(messagesOf().map((m) => m.text)).toEqual(['edited']);
  });

  it('reports a malformed frame as an action and keeps the socket open', async () => {
    const { memory, store, actions, settle } = make();
    store.dispatch(subscribeToConversation(CONVERSATION));
    memory.last()!.open();
    memory.last()!.receive('{not json');
    memory.last()!.receive({ type: 'message:new', payload: { id: 1 } });
    memory.last()!.receive({ type: 'something:else', payload: {} });
    await settle();
    expect(actions.filter((a) => protocolErrorReported.match(a))).toHaveLength(3);
    expect(selectConnection(store.getState(), CONVERSATION).status).toBe('open');
  });

  it('marks a send the server refused over the socket as failed', async () => {
    const { memory, store, messagesOf, settle } = make();
    store.dispatch(subscribeToConversation(CONVERSATION));
    memory.last()!.open();
    await settle();
    const clientId = store.dispatch(submitMessage({ conversationId: CONVERSATION, text: 'x' }));
    memory.last()!.receive({
      type: 'error',
      payload: { code: 'validation_error', detail: 'Text too long', client_id: clientId },
    });
    await settle();
    expect(messagesOf()[0]).toMatchObject({ status: 'failed', error: 'Text too long' });
  });

  it('removes a conversation deleted on the server, with its messages, and closes its socket', async () => {
    const { memory, store, messagesOf, settle } = make((request) =>
      request.url.endsWith('/conversations/')
        ? { status: 200, body: [conversation(CONVERSATION)] }
        : { status: 200, body: messages(1, 2) },
    );
    await store.dispatch(
      (await import('unet-chat-redux')).chatApi.endpoints.getConversations.initiate(undefined, {
        subscribe: false,
      }),
    );
    store.dispatch(subscribeToConversation(CONVERSATION));
    memory.last()!.open();
    await settle();
    expect(messagesOf()).toHaveLength(2);
    memory.last()!.receive({ type: 'conversation:deleted', payload: { id: CONVERSATION } });
    await settle();
    expect(selectConversations(store.getState())).toEqual([]);
    expect(messagesOf()).toEqual([]);
    expect(memory.last()!.closedByClient?.code).toBe(1000);
  });

  it('sees events inside a batch: a deletion that arrives with other frames still closes the socket', async () => {
    const { memory, store, settle, actions } = make();
    store.dispatch(subscribeToConversation(CONVERSATION));
    memory.last()!.open();
    await settle();
    memory.last()!.receive({ type: 'message:new', payload: message(1) });
    memory.last()!.receive({ type: 'conversation:deleted', payload: { id: CONVERSATION } });
    await settle();
    expect(actions.filter((a) => eventsBatched.match(a))).toHaveLength(1);
    expect(memory.last()!.closedByClient?.code).toBe(1000);
    expect(store.getState().chat.connections[CONVERSATION]).toBeUndefined();
  });

  it('lets Retry resend at once a message the server refused in a batch with other frames', async () => {
    const { memory, store, messagesOf, settle } = make();
    store.dispatch(subscribeToConversation(CONVERSATION));
    memory.last()!.open();
    await settle();
    const clientId = store.dispatch(
      submitMessage({ conversationId: CONVERSATION, text: 'again' }),
    )!;
    memory.last()!.receive({
      type: 'error',
      payload: { code: 'validation_error', detail: 'Text too long', client_id: clientId },
    });
    memory.last()!.receive({ type: 'message:new', payload: message(1) });
    await settle();
    expect(messagesOf().at(-1)?.status).toBe('failed');
    store.dispatch(messageRetried({ conversationId: CONVERSATION, clientId }));
    expect(memory.last()!.sentFrames()).toHaveLength(2);
  });

  it('fails after the fast phase, keeps trying on a slow timer, and reconnects at once on request', async () => {
    const { memory, store, environment, settle } = make();
    store.dispatch(subscribeToConversation(CONVERSATION));
    memory.last()!.fail('refused');
    for (let attempt = 1; attempt <= 5; attempt++) {
      environment.advance(16_000);
      memory.last()!.fail('refused');
    }
    await settle();
    expect(memory.sockets).toHaveLength(6);
    expect(selectConnection(store.getState(), CONVERSATION)).toMatchObject({
      status: 'failed',
      retryable: true,
      nextDelayMs: 30_000,
    });
    environment.advance(30_000);
    expect(memory.sockets).toHaveLength(7);
    memory.last()!.fail('refused');
    store.dispatch(reconnectRequested({ conversationId: CONVERSATION }));
    expect(memory.sockets).toHaveLength(8);
  });

  it('leaves no socket, timer or listener behind after dispose', async () => {
    const { memory, store, environment, chat, settle } = make();
    store.dispatch(subscribeToConversation(CONVERSATION));
    memory.last()!.open();
    await settle();
    memory.last()!.serverClose(1006);
    expect(environment.pendingTimers()).toBeGreaterThan(0);
    chat.dispose();
    expect(environment.pendingTimers()).toBe(0);
    expect(memory.sockets.every((socket) => socket.state === 'closed')).toBe(true);
  });
});
