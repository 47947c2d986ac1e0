/** @jest-environment jsdom */
import { act, render, renderHook, waitFor } from '@testing-library/react';
import type { Message } from 'unet-chat-redux';
import { useConnection, useSendMessage, useWebSocket } from 'unet-chat-redux/react';
import type { UseWebSocketOptions } from 'unet-chat-redux/react';
import { CONVERSATION, createHarness, historyMessage, ME, socketUrl } from './harness';
import type { Harness } from './harness';

function callbacks() {
  return {
    onMessage: jest.fn<void, [Message]>(),
    onError: jest.fn<void, [string]>(),
    onOpen: jest.fn<void, []>(),
    onClose: jest.fn<void, []>(),
  };
}

function renderWebSocket(harness: Harness, options: Partial<UseWebSocketOptions> = {}) {
  const spies = callbacks();
  const view = renderHook((props: UseWebSocketOptions) => useWebSocket(props), {
    wrapper: harness.Wrapper,
    initialProps: { conversationId: CONVERSATION, ...spies, ...options },
  });
  return { ...view, spies };
}

/**
 * BUG (src/react/hooks/useWebSocket.ts): the hook registers its callbacks by
 * dispatching RTK's `addListener` action. In a store built the README's way
 * (`getDefaultMiddleware().concat(chat.middleware)`) that action meets the
 * serializability check before the chat's listener middleware, which logs a
 * console error on every mount in development. Muted here (that message only)
 * so the other tests stay readable; the failing test at the end records it.
 */
function isAddListenerWarning(args: unknown[]): boolean {
  return args.some(
    (arg) =>
      typeof arg === 'string' && arg.includes('non-serializable value was detected in an action'),
  );
}
const consoleError = console.error;
let errorSpy: jest.SpyInstance;
beforeEach(() => {
  errorSpy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (!isAddListenerWarning(args)) consoleError(...args);
  });
});
afterEach(() => errorSpy.mockRestore());

const newMessage = (overrides: Partial<Message> = {}): Message =>
  historyMessage(30, { id: 'live-1', text: 'Привет!', ...overrides });

describe('useWebSocket (the seed hook)', () => {
  it('opens a socket for the seed URL on mount and reports isConnected once it opens', () => {
    const harness = createHarness();
    const { result, spies } = renderWebSocket(harness);

    expect(harness.transport.sockets.map((socket) => socket.url)).toEqual([
      socketUrl(CONVERSATION),
    ]);
    expect(Object.keys(result.current).sort()).toEqual([
      'disconnect',
      'error',
      'isConnected',
      'sendMessage',
    ]);
    expect(result.current.isConnected).toBe(false);
    expect(spies.onOpen).not.toHaveBeenCalled();

    harness.acceptSocket();

    expect(result.current.isConnected).toBe(true);
    expect(result.current.error).toBeNull();
    expect(spies.onOpen).toHaveBeenCalledTimes(1);
  });

  it('calls onMessage for a message:new frame with the message as the server sent it', async () => {
    const harness = createHarness();
    const { spies } = renderWebSocket(harness);
    const socket = harness.acceptSocket();
    await harness.historyLoaded();

    const message = newMessage();
    harness.push(socket, { type: 'message:new', payload: message });

    expect(spies.onMessage).toHaveBeenCalledTimes(1);
    expect(spies.onMessage).toHaveBeenCalledWith(message);
  });

  it('does not call onMessage for history, for our own REST answers or for another conversation', async () => {
    const harness = createHarness({ messages: [historyMessage(1), historyMessage(2)] });
    const spies = callbacks();
    const { result } = renderHook(
      () => ({
        socket: useWebSocket({ conversationId: CONVERSATION, ...spies }),
        send: useSendMessage(),
      }),
      { wrapper: harness.Wrapper },
    );
    const socket = harness.acceptSocket();
    await harness.historyLoaded();

    await act(async () => {
      await result.current.send.mutateAsync({
        conversation_id: CONVERSATION,
        sender_id: ME,
        text: 'через REST',
      });
    });
    // A frame about another conversation on this socket is dropped, not reported.
    harness.push(socket, {
      type: 'message:new',
      payload: newMessage({ conversation_id: 'someone-else' }),
    });

    expect(harness.server.requestsTo('POST', '/messages/')).toHaveLength(1);
    expect(spies.onMessage).not.toHaveBeenCalled();
  });

  it('calls onClose when an open socket closes and onError with the reason when it breaks', () => {
    const harness = createHarness();
    const { result, spies } = renderWebSocket(harness);
    const socket = harness.acceptSocket();

    act(() => socket.fail('network is unreachable'));

    expect(spies.onClose).toHaveBeenCalledTimes(1);
    expect(spies.onError).toHaveBeenCalledWith('network is unreachable');
    expect(result.current.isConnected).toBe(false);
    expect(result.current.error).toBe('network is unreachable');
  });

  it('calls onError when the server refuses the connection', () => {
    const harness = createHarness();
    const { result, spies } = renderWebSocket(harness);

    act(() => harness.socketOf().serverClose(4403, 'not a participant'));

    expect(spies.onError).toHaveBeenCalledWith('not a participant');
    expect(spies.onOpen).not.toHaveBeenCalled();
    expect(spies.onClose).not.toHaveBeenCalled();
    expect(result.current.error).toBe('not a participant');
  });

  it('calls onError for a frame it cannot understand and stays connected', () => {
    const harness = createHarness();
    const { result, spies } = renderWebSocket(harness);
    const socket = harness.acceptSocket();

    harness.push(socket, 'this is not JSON');

    expect(spies.onError).toHaveBeenCalledTimes(1);
    expect(result.current.isConnected).toBe(true);
  });

  it('sendMessage(text, replyTo) sends a message:send frame with a client_id when the socket is open', async () => {
    const harness = createHarness({ messages: [historyMessage(1)] });
    const { result } = renderWebSocket(harness);
    const socket = harness.acceptSocket();
    await harness.historyLoaded();

    act(() => result.current.sendMessage('Привет!', null));
    act(() => result.current.sendMessage('Ответ', historyMessage(1).id));

    // One at a time, in order: the second goes once the first is confirmed.
    expect(socket.sentFrames()).toEqual([
      {
        type: 'message:send',
        payload: { text: 'Привет!', reply_to: null, client_id: expect.any(String) },
      },
    ]);
    const [first] = socket.sentFrames() as Array<{ payload: { client_id: string } }>;
    harness.push(socket, {
      type: 'message:new',
      payload: historyMessage(2, {
        sender_id: 1,
        text: 'Привет!',
        client_id: first!.payload.client_id,
      }),
    });
    expect(socket.sentFrames()).toEqual([
      expect.objectContaining({ type: 'message:send' }),
      {
        type: 'message:send',
        payload: { text: 'Ответ', reply_to: historyMessage(1).id, client_id: expect.any(String) },
      },
    ]);
    expect(harness.server.requestsTo('POST', '/messages/')).toEqual([]);
  });

  it('sendMessage falls back to REST while the socket is not open', async () => {
    const harness = createHarness();
    const { result } = renderWebSocket(harness);

    act(() => result.current.sendMessage('пока без сокета'));

    await waitFor(() => expect(harness.server.requestsTo('POST', '/messages/')).toHaveLength(1));
    expect(harness.server.requestsTo('POST', '/messages/')[0]?.body).toMatchObject({
      conversation_id: CONVERSATION,
      sender_id: ME,
      text: 'пока без сокета',
      reply_to: null,
      client_id: expect.any(String),
    });
  });

  it('disconnect() closes the socket with a normal closure', () => {
    const harness = createHarness();
    const { result, spies } = renderWebSocket(harness);
    const socket = harness.acceptSocket();

    act(() => result.current.disconnect());

    expect(socket.state).toBe('closed');
    expect(socket.closedByClient).toEqual({ code: 1000, reason: '' });
    expect(result.current.isConnected).toBe(false);
    expect(spies.onClose).toHaveBeenCalledTimes(1);
  });

  it('reopens after disconnect() when the connection is asked to reconnect', async () => {
    const harness = createHarness();
    const { result } = renderHook(
      () => ({
        socket: useWebSocket({ conversationId: CONVERSATION }),
        connection: useConnection(CONVERSATION),
      }),
      { wrapper: harness.Wrapper },
    );
    harness.acceptSocket();
    await harness.historyLoaded();
    act(() => result.current.socket.disconnect());
    expect(result.current.connection.status).toBe('closed');

    act(() => result.current.connection.reconnect());
    harness.acceptSocket();

    expect(harness.socketsOf()).toHaveLength(2);
    expect(result.current.socket.isConnected).toBe(true);
    await waitFor(() =>
      expect(
        harness.store.getState().chat.messages.conversations[CONVERSATION]?.sync.phase === 'live',
      ).toBe(true),
    );
  });

  it('keeps the same socket when the callbacks change between renders, and calls the newest ones', async () => {
    const harness = createHarness();
    const { spies, rerender } = renderWebSocket(harness);
    const socket = harness.acceptSocket();
    await harness.historyLoaded();

    const next = callbacks();
    rerender({ conversationId: CONVERSATION, ...next });
    rerender({ conversationId: CONVERSATION, ...next, onMessage: (m) => next.onMessage(m) });
    harness.push(socket, { type: 'message:new', payload: newMessage() });

    expect(harness.transport.sockets).toEqual([socket]);
    expect(socket.state).toBe('open');
    expect(next.onMessage).toHaveBeenCalledTimes(1);
    expect(spies.onMessage).not.toHaveBeenCalled();
  });

  it('closes the socket on unmount', () => {
    const harness = createHarness();
    const { unmount } = renderWebSocket(harness);
    const socket = harness.acceptSocket();

    unmount();

    expect(socket.state).toBe('closed');
    expect(socket.closedByClient?.code).toBe(1000);
  });

  it('moves to the new conversation when conversationId changes', () => {
    const harness = createHarness();
    const { rerender, spies } = renderWebSocket(harness);
    const first = harness.acceptSocket();

    rerender({ conversationId: 'second', ...spies });

    expect(first.state).toBe('closed');
    expect(harness.socketOf('second').state).toBe('connecting');
  });

  it('shares one socket between components on the same conversation and closes it after the last one leaves', () => {
    const harness = createHarness();
    function Probe({ label }: { label: string }) {
      const { isConnected } = useWebSocket({ conversationId: CONVERSATION });
      return <p>{`${label}: ${isConnected ? 'online' : 'offline'}`}</p>;
    }
    const view = render(
      <harness.Wrapper>
        <Probe label="a" />
        <Probe label="b" />
      </harness.Wrapper>,
    );
    const socket = harness.acceptSocket();

    expect(harness.transport.sockets).toHaveLength(1);
    expect(view.getByText('a: online')).toBeInTheDocument();
    expect(view.getByText('b: online')).toBeInTheDocument();

    view.rerender(
      <harness.Wrapper>
        <Probe label="a" />
      </harness.Wrapper>,
    );
    expect(socket.state).toBe('open');

    view.rerender(<harness.Wrapper>{null}</harness.Wrapper>);
    expect(socket.state).toBe('closed');
    expect(harness.transport.sockets).toHaveLength(1);
  });

  // BUG (src/react/hooks/useWebSocket.ts): the status listener starts from
  // `lastStatus = null`, not from the socket's current status, so a component
  // that mounts while the shared socket is already open never hears onClose
  // when it drops (and never onOpen either).
  it('reports onClose to a component that joined a socket that was already open', () => {
    const harness = createHarness();
    renderWebSocket(harness);
    const socket = harness.acceptSocket();
    const late = renderWebSocket(harness);

    act(() => socket.fail('gone'));

    expect(late.result.current.isConnected).toBe(false);
    expect(late.spies.onClose).toHaveBeenCalledTimes(1);
  });

  // BUG: see isAddListenerWarning above.
  it('mounts without a console error in a store configured as the README shows', () => {
    const harness = createHarness();
    errorSpy.mockClear();

    renderWebSocket(harness);

    expect(errorSpy).not.toHaveBeenCalled();
  });
});
