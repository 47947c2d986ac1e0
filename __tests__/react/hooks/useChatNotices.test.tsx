/** @jest-environment jsdom */
import { act, render, screen, waitFor } from '@testing-library/react';
import type { UnknownAction } from '@reduxjs/toolkit';
import { toast, Toaster } from 'sonner';
import {
  authExpired,
  chatApi,
  connectionStatusChanged,
  historyLoadFailed,
  messageDeleteFailed,
  messageEditFailed,
  messageSendFailed,
  selectNotices,
  serverErrorReceived,
  submitMessage,
  subscribeToConversation,
  syncFailed,
} from 'unet-chat-redux';
import type { ChatMessage, NoticeCode } from 'unet-chat-redux';
import { ChatLocaleProvider, ruLocale, useChatNotices } from 'unet-chat-redux/react';
import type { ChatLanguage } from 'unet-chat-redux/react';
import { enLocale } from 'unet-chat-redux/react/locales/en';

const packs = { ru: ruLocale, en: enLocale };
import { CONVERSATION, createHarness, historyMessage } from './harness';
import type { Harness } from './harness';

function Notices() {
  useChatNotices();
  return null;
}

function renderApp(harness: Harness, language?: ChatLanguage) {
  return render(
    <harness.Wrapper>
      <ChatLocaleProvider locale={language && packs[language]}>
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

let warn: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  act(() => {
    toast.dismiss();
  });
  warn.mockRestore();
});

/** The raw words of a failure: they must never reach a toast, only the console. */
const RAW = 'RAW Not a participant (HTTP 403)';

function sentMessage(): ChatMessage {
  const message = historyMessage(1, { conversation_id: CONVERSATION });
  return { ...message, client_id: null, status: 'sent', error: null, created_ms: 0 };
}

/** The event (as the middleware or the API slice dispatches it) that raises each notice. */
const raise: Record<Exclude<NoticeCode, 'request_failed'>, () => UnknownAction> = {
  send_failed: () =>
    messageSendFailed({ conversationId: CONVERSATION, clientId: 'tmp-1', error: RAW }),
  edit_failed: () => messageEditFailed({ previous: sentMessage(), error: RAW }),
  delete_failed: () => messageDeleteFailed({ message: sentMessage(), error: RAW }),
  history_failed: () => historyLoadFailed({ conversationId: CONVERSATION, error: RAW }),
  catch_up_failed: () =>
    syncFailed({
      conversationId: CONVERSATION,
      error: RAW,
      code: 'fetch_error',
      terminal: false,
      nextRetryInMs: 1000,
      stage: 'catchUp',
      notify: true,
    }),
  connection_failed: () =>
    connectionStatusChanged({ conversationId: CONVERSATION, status: 'failed', error: RAW }),
  server_error: () =>
    serverErrorReceived({
      conversationId: CONVERSATION,
      code: 'internal_error',
      detail: RAW,
      clientId: null,
    }),
  auth_expired: () => authExpired(),
};

describe('useChatNotices', () => {
  describe.each<ChatLanguage>(['ru', 'en'])('in %s', (language) => {
    const strings = packs[language].strings;

    it.each(Object.keys(raise) as Array<keyof typeof raise>)(
      'words %s from the strings table; the raw detail goes to the console only',
      async (code) => {
        const harness = createHarness();
        renderApp(harness, language);

        act(() => {
          harness.store.dispatch(raise[code]());
        });

        expect(await screen.findByText(strings.notices[code])).toBeInTheDocument();
        expect(screen.getByText(strings.noticeHints[code])).toBeInTheDocument();
        expect(document.body).not.toHaveTextContent(/RAW/);
        // auth_expired has no detail of its own.
        if (code !== 'auth_expired') {
          expect(warn).toHaveBeenCalledWith(`[unet-chat-redux] ${code}: ${RAW}`);
        }
        await waitFor(() => expect(selectNotices(harness.store.getState())).toEqual([]));
      },
    );

    it('words request_failed (a refused conversation request) from the strings table', async () => {
      const harness = createHarness();
      harness.server.intercept = (request) =>
        request.method === 'POST' ? { status: 500, body: { detail: RAW } } : undefined;
      renderApp(harness, language);

      await act(async () => {
        await harness.store.dispatch(
          chatApi.endpoints.createConversation.initiate({
            type: 'group',
            title: 'x',
            participant_ids: [2],
          }),
        );
      });

      expect(await screen.findByText(strings.notices.request_failed)).toBeInTheDocument();
      expect(screen.getByText(strings.noticeHints.request_failed)).toBeInTheDocument();
      expect(document.body).not.toHaveTextContent(/RAW/);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('request_failed'));
    });
  });

  it('shows a failed send as a sonner toast in the UI’s words, then dismisses the notice', async () => {
    const harness = createHarness();
    refuseSends(harness);
    renderApp(harness);

    act(() => {
      harness.store.dispatch(submitMessage({ conversationId: CONVERSATION, text: 'Привет!' }));
    });

    expect(await screen.findByText('Сообщение не отправлено')).toBeInTheDocument();
    expect(
      screen.getByText('Оно осталось в беседе: отправьте его снова или удалите.'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Not a participant/)).not.toBeInTheDocument();
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
    expect(
      screen.getByText('It is still in the conversation: send it again or discard it.'),
    ).toBeInTheDocument();
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
    expect(screen.getByText('Нажмите «Переподключиться» в заголовке беседы.')).toBeInTheDocument();
    expect(screen.queryByText('not a participant')).not.toBeInTheDocument();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('not a participant'));
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
