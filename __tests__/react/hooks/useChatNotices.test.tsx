/** @jest-environment jsdom */
import { act, render, screen, waitFor } from '@testing-library/react';
import { toast, Toaster } from 'sonner';
import { selectNotices, submitMessage, subscribeToConversation } from 'unet-chat-redux';
import { ChatLocaleProvider, useChatNotices } from 'unet-chat-redux/react';
import type { ChatLanguage } from 'unet-chat-redux/react';
import { CONVERSATION, createHarness } from './harness';
import type { Harness } from './harness';

function Notices() {
  useChatNotices();
  return null;
}

function renderApp(harness: Harness, language?: ChatLanguage) {
  return render(
    <harness.Wrapper>
      <ChatLocaleProvider language={language}>
        <Toaster />
        <Notices />
      </ChatLocaleProvider>
    </harness.Wrapper>,
  );
}

/** The server refuses every send. */
function refuseSends(harness: Harness) {
  harness.server.intercept = (request) =>
    request.method === 'POST' ? { status: 403, body: { detail: 'Not a participant' } } : undefined;
}

afterEach(() => {
  act(() => {
    toast.dismiss();
  });
});

describe('useChatNotices', () => {
  it('shows a failed send as a sonner toast with the server’s words, then dismisses the notice', async () => {
    const harness = createHarness();
    refuseSends(harness);
    renderApp(harness);

    act(() => {
      harness.store.dispatch(submitMessage({ conversationId: CONVERSATION, text: 'Привет!' }));
    });

    expect(await screen.findByText('Сообщение не отправлено')).toBeInTheDocument();
    expect(screen.getByText('Not a participant')).toBeInTheDocument();
    await waitFor(() => expect(selectNotices(harness.store.getState())).toEqual([]));
  });

  it('words the toast in the language of the ChatLocaleProvider', async () => {
    const harness = createHarness();
    refuseSends(harness);
    renderApp(harness, 'en');

    act(() => {
      harness.store.dispatch(submitMessage({ conversationId: CONVERSATION, text: 'Hello' }));
    });

    expect(await screen.findByText('Message not sent')).toBeInTheDocument();
  });

  it('shows a connection that gave up as a toast', async () => {
    const harness = createHarness();
    renderApp(harness);
    // A screen that watches the conversation, reduced to its subscription.
    let unsubscribe = () => {};
    act(() => {
      unsubscribe = harness.store.dispatch(subscribeToConversation(CONVERSATION));
    });

    act(() => harness.socketOf().serverClose(4403, 'not a participant'));

    expect(await screen.findByText('Нет соединения с чатом')).toBeInTheDocument();
    expect(screen.getByText('not a participant')).toBeInTheDocument();
    expect(selectNotices(harness.store.getState())).toEqual([]);
    act(() => unsubscribe());
  });

  it('shows nothing while nothing went wrong', async () => {
    const harness = createHarness();
    renderApp(harness);

    await act(async () => {});

    expect(screen.queryByRole('listitem')).not.toBeInTheDocument();
    expect(selectNotices(harness.store.getState())).toEqual([]);
  });
});
