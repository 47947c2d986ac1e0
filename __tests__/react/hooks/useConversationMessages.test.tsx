/** @jest-environment jsdom */
import { act, renderHook, waitFor } from '@testing-library/react';
import { useConversationMessages } from 'unet-chat-redux/react';
import { CONVERSATION, createHarness, historyMessage, OTHER_CONVERSATION } from './harness';

const history = [1, 2, 3, 4, 5].map((n) => historyMessage(n));

function texts(messages: ReadonlyArray<{ text: string | null }>): Array<string | null> {
  return messages.map((message) => message.text);
}

describe('useConversationMessages', () => {
  it('subscribes on mount and shows the newest page once the socket opens', async () => {
    const harness = createHarness({ messages: history });

    const { result } = renderHook(() => useConversationMessages(CONVERSATION), {
      wrapper: harness.Wrapper,
    });

    expect(result.current.messages).toEqual([]);
    expect(result.current.historyLoaded).toBe(false);
    expect(harness.socketsOf(CONVERSATION)).toHaveLength(1);

    harness.acceptSocket();

    await waitFor(() => expect(result.current.historyLoaded).toBe(true));
    expect(texts(result.current.messages)).toEqual([
      'message 1',
      'message 2',
      'message 3',
      'message 4',
      'message 5',
    ]);
    expect(result.current.hasMoreOlder).toBe(false);
    expect(result.current.messages.every((message) => message.status === 'sent')).toBe(true);
  });

  it('loads history without waiting forever for a socket that does not open', async () => {
    const harness = createHarness({ messages: history });
    const { result } = renderHook(() => useConversationMessages(CONVERSATION), {
      wrapper: harness.Wrapper,
    });

    act(() => harness.environment.advance(1500));

    await waitFor(() => expect(result.current.messages).toHaveLength(5));
  });

  it('loadOlder fetches the page before the oldest loaded message until nothing is older', async () => {
    const harness = createHarness({ messages: history, pageSize: 2 });
    const { result } = renderHook(() => useConversationMessages(CONVERSATION), {
      wrapper: harness.Wrapper,
    });
    harness.acceptSocket();
    await waitFor(() => expect(texts(result.current.messages)).toEqual(['message 4', 'message 5']));
    expect(result.current.hasMoreOlder).toBe(true);

    act(() => result.current.loadOlder());
    expect(result.current.loadingOlder).toBe(true);
    await waitFor(() => expect(result.current.loadingOlder).toBe(false));
    expect(texts(result.current.messages)).toEqual([
      'message 2',
      'message 3',
      'message 4',
      'message 5',
    ]);

    act(() => result.current.loadOlder());
    await waitFor(() => expect(result.current.messages).toHaveLength(5));
    await waitFor(() => expect(result.current.hasMoreOlder).toBe(false));

    act(() => result.current.loadOlder());
    const pages = harness.server
      .requestsTo('GET', `/messages/${CONVERSATION}`)
      .map((request) => new URL(request.url).searchParams.get('before'));
    expect(pages).toEqual([null, historyMessage(4).id, historyMessage(2).id]);
  });

  it('adds live messages after the history', async () => {
    const harness = createHarness({ messages: history });
    const { result } = renderHook(() => useConversationMessages(CONVERSATION), {
      wrapper: harness.Wrapper,
    });
    const socket = harness.acceptSocket();
    await harness.historyLoaded();

    harness.push(socket, {
      type: 'message:new',
      payload: historyMessage(6, { text: 'только что' }),
    });

    // Right after the history the list is within its render interval: the message follows.
    await waitFor(() => expect(result.current.messages.at(-1)?.text).toBe('только что'));
    expect(result.current.messages).toHaveLength(6);
  });

  it('returns the same array while another conversation changes', async () => {
    const harness = createHarness({
      messages: [...history, historyMessage(9, { conversation_id: OTHER_CONVERSATION })],
    });
    const { result } = renderHook(
      () => ({
        first: useConversationMessages(CONVERSATION),
        second: useConversationMessages(OTHER_CONVERSATION),
      }),
      { wrapper: harness.Wrapper },
    );
    harness.acceptSocket(CONVERSATION);
    await harness.historyLoaded(CONVERSATION);
    const before = result.current.first.messages;

    harness.acceptSocket(OTHER_CONVERSATION);
    await harness.historyLoaded(OTHER_CONVERSATION);

    expect(result.current.second.messages).toHaveLength(1);
    expect(result.current.first.messages).toBe(before);
  });

  it('does nothing for a missing conversation id and unsubscribes on unmount', async () => {
    const harness = createHarness({ messages: history });
    const noConversation: { id: string | null } = { id: null };
    const { result, rerender, unmount } = renderHook(
      ({ id }: { id: string | null }) => useConversationMessages(id),
      { wrapper: harness.Wrapper, initialProps: noConversation },
    );

    expect(harness.transport.sockets).toEqual([]);
    expect(result.current.messages).toEqual([]);
    act(() => result.current.loadOlder());
    expect(harness.server.requests).toEqual([]);

    rerender({ id: CONVERSATION });
    const socket = harness.acceptSocket();
    unmount();

    expect(socket.state).toBe('closed');
  });
});
