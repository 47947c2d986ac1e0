/** @jest-environment jsdom */
import { act, renderHook, waitFor } from '@testing-library/react';
import { selectMessagesOfConversation } from 'unet-chat-redux';
import type { Message } from 'unet-chat-redux';
import { useConversations, useSendMessage } from 'unet-chat-redux/react';
import type { FakeAnswer } from '../../support/fakeFetch';
import { CONVERSATION, createHarness, historyMessage, ME } from './harness';

describe('useConversations (the seed hook)', () => {
  it('loads the conversations from the server, loading first', async () => {
    const harness = createHarness();

    const { result } = renderHook(() => useConversations(), { wrapper: harness.Wrapper });

    expect(result.current.isLoading).toBe(true);
    expect(result.current.data).toBeUndefined();
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    expect(result.current.data).toEqual(harness.server.conversations);
    expect(result.current.data?.map((conversation) => conversation.title)).toEqual([
      'Приёмная комиссия',
      'Библиотека',
    ]);
    expect(harness.server.requestsTo('GET', '/conversations/')[0]?.authorization).toBe('Bearer t');
  });

  it('reports a failed load as an error', async () => {
    const harness = createHarness();
    harness.server.intercept = (request) =>
      request.method === 'GET' ? { status: 403, body: { detail: 'Forbidden' } } : undefined;

    const { result } = renderHook(() => useConversations(), { wrapper: harness.Wrapper });

    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error).toMatchObject({ status: 403 });
  });

  it('does not ask for the list while skipped', async () => {
    const harness = createHarness();

    const { result } = renderHook(() => useConversations({ skip: true }), {
      wrapper: harness.Wrapper,
    });
    await act(async () => {});

    expect(result.current.data).toBeUndefined();
    // The session's one question to the server ([ext] GET /extensions/) is not the list.
    expect(harness.server.requestsTo('GET', '/conversations/')).toEqual([]);
  });
});

describe('useSendMessage (the seed hook)', () => {
  it('mutateAsync resolves with the message the server stored, and the store has it', async () => {
    const harness = createHarness();
    const { result } = renderHook(() => useSendMessage(), { wrapper: harness.Wrapper });

    let sent: Message | undefined;
    await act(async () => {
      sent = await result.current.mutateAsync({
        conversation_id: CONVERSATION,
        sender_id: ME,
        text: 'Привет!',
      });
    });

    const stored = harness.server.messages[0];
    expect(stored).toBeDefined();
    expect(sent).toEqual(stored);
    expect(harness.server.requestsTo('POST', '/messages/')[0]?.body).toMatchObject({
      conversation_id: CONVERSATION,
      sender_id: ME,
      text: 'Привет!',
    });
    expect(result.current).toMatchObject({ isSuccess: true, isPending: false, data: stored });
    expect(
      selectMessagesOfConversation(harness.store.getState(), CONVERSATION).map((m) => m.text),
    ).toEqual(['Привет!']);
  });

  it('mutateAsync rejects with the server error and the hook reports it', async () => {
    const harness = createHarness();
    harness.server.intercept = (request) =>
      request.method === 'POST'
        ? { status: 403, body: { detail: 'Not a participant' } }
        : undefined;
    const { result } = renderHook(() => useSendMessage(), { wrapper: harness.Wrapper });

    let failure: unknown;
    await act(async () => {
      failure = await result.current
        .mutateAsync({ conversation_id: CONVERSATION, sender_id: ME, text: 'Привет!' })
        .catch((error: unknown) => error);
    });

    expect(failure).toMatchObject({ status: 403, data: { detail: 'Not a participant' } });
    expect(result.current.isError).toBe(true);
    expect(result.current.error).toEqual(failure);

    act(() => result.current.reset());
    expect(result.current.isError).toBe(false);
  });

  it('shows isPending while the request is under way', async () => {
    const harness = createHarness();
    let answer: (value: FakeAnswer) => void = () => {};
    // Only the send is held (the session also asks GET /extensions/).
    harness.server.intercept = (request) =>
      request.method === 'POST'
        ? new Promise<FakeAnswer>((resolve) => {
            answer = resolve;
          })
        : undefined;
    const { result } = renderHook(() => useSendMessage(), { wrapper: harness.Wrapper });

    let sending: Promise<Message> | undefined;
    act(() => {
      sending = result.current.mutateAsync({
        conversation_id: CONVERSATION,
        sender_id: ME,
        text: 'медленно',
      });
    });
    await waitFor(() => expect(harness.server.requestsTo('POST', '/messages/')).toHaveLength(1));
    expect(result.current.isPending).toBe(true);

    const stored = { ...historyMessage(1), sender_id: ME, text: 'медленно' };
    await act(async () => {
      answer({ status: 201, body: stored });
      await sending;
    });
    expect(result.current).toMatchObject({ isPending: false, isSuccess: true, data: stored });
  });
});
