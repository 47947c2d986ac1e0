/** @jest-environment jsdom */
import { act, renderHook } from '@testing-library/react';
import { useConnection, useConversationMessages, useCurrentUserId } from 'unet-chat-redux/react';
import { CONVERSATION, createHarness } from './harness';

/** The conversation screen's pairing: a subscription plus the status it shows. */
function useWatchedConnection(conversationId: string) {
  useConversationMessages(conversationId);
  return useConnection(conversationId);
}

describe('useConnection', () => {
  it('is idle and does not open a socket on its own', () => {
    const harness = createHarness();

    const { result } = renderHook(() => useConnection(CONVERSATION), {
      wrapper: harness.Wrapper,
    });

    expect(result.current).toMatchObject({ status: 'idle', isConnected: false, subscribers: 0 });
    expect(harness.transport.sockets).toEqual([]);
  });

  it('follows the socket from connecting to open, with the subscriber count', async () => {
    const harness = createHarness();
    const { result } = renderHook(() => useWatchedConnection(CONVERSATION), {
      wrapper: harness.Wrapper,
    });

    expect(result.current).toMatchObject({
      status: 'connecting',
      isConnected: false,
      subscribers: 1,
    });

    harness.acceptSocket();

    expect(result.current).toMatchObject({ status: 'open', isConnected: true, error: null });
    await harness.historyLoaded();
  });

  it('shows reconnecting with the attempt and the delay after the socket breaks', async () => {
    const harness = createHarness();
    const { result } = renderHook(() => useWatchedConnection(CONVERSATION), {
      wrapper: harness.Wrapper,
    });
    const socket = harness.acceptSocket();
    await harness.historyLoaded();

    act(() => socket.serverClose(1011, 'server restarting'));

    expect(result.current).toMatchObject({
      status: 'reconnecting',
      attempt: 1,
      code: 1011,
      error: 'server restarting',
      isConnected: false,
    });
    expect(result.current.nextDelayMs).toBeGreaterThan(0);

    act(() => harness.environment.advance(result.current.nextDelayMs ?? 0));
    expect(harness.socketsOf(CONVERSATION)).toHaveLength(2);
    expect(result.current.status).toBe('connecting');
  });

  it('reconnect() opens a new socket after the connection failed', async () => {
    const harness = createHarness();
    const { result } = renderHook(() => useWatchedConnection(CONVERSATION), {
      wrapper: harness.Wrapper,
    });
    act(() => harness.socketOf().serverClose(4404, 'no such conversation'));
    expect(result.current).toMatchObject({
      status: 'failed',
      error: 'no such conversation',
      retryable: false,
    });

    act(() => result.current.reconnect());

    expect(harness.socketsOf(CONVERSATION)).toHaveLength(2);
    expect(result.current.status).toBe('connecting');
    harness.acceptSocket();
    expect(result.current.isConnected).toBe(true);
    await harness.historyLoaded();
  });
});

describe('useCurrentUserId', () => {
  it("answers with the chat's getCurrentUserId", () => {
    const harness = createHarness({ currentUserId: 42 });

    const { result } = renderHook(() => useCurrentUserId(), { wrapper: harness.Wrapper });

    expect(result.current).toBe(42);
  });

  it('is null when nobody is logged in', () => {
    const harness = createHarness({ currentUserId: null });

    const { result } = renderHook(() => useCurrentUserId(), { wrapper: harness.Wrapper });

    expect(result.current).toBeNull();
  });
});
