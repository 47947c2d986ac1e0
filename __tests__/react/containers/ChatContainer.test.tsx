/** @jest-environment jsdom */
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { toast, Toaster } from 'sonner';
import { ChatContainer, ChatLocaleProvider, RENDER_INTERVAL_MS } from 'unet-chat-redux/react';
import { enLocale } from 'unet-chat-redux/react/locales/en';
import { mockLayout } from '../components/layout';
import {
  CONVERSATION,
  createHarness,
  historyMessage,
  OTHER_CONVERSATION,
  socketUrl,
} from '../hooks/harness';

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = mockLayout();
});
afterEach(() => {
  act(() => {
    toast.dismiss();
  });
  restoreLayout();
});

const history = [
  historyMessage(1, { text: 'Документы принимают до пятницы' }),
  historyMessage(2, { conversation_id: OTHER_CONVERSATION, text: 'Книга вернулась' }),
];

async function setup() {
  const harness = createHarness({ messages: history });
  const user = userEvent.setup();
  const view = render(
    <harness.Wrapper>
      <Toaster />
      <ChatContainer />
    </harness.Wrapper>,
  );
  await screen.findByRole('button', { name: /^Приёмная комиссия/ });
  return { harness, user, view };
}

function conversationList(): HTMLElement {
  return screen.getByRole('list', { name: 'Чаты' });
}

function layout(view: { container: HTMLElement }): HTMLElement {
  const root = view.container.querySelector<HTMLElement>('.ucr-layout');
  if (!root) throw new Error('no ChatLayout rendered');
  return root;
}

describe('ChatContainer', () => {
  it('lists the conversations from the server and asks to pick one', async () => {
    const { harness } = await setup();

    const titles = within(conversationList())
      .getAllByRole('listitem')
      .map((item) => item.querySelector('.ucr-conversation__title')?.textContent);
    expect(titles.sort()).toEqual(['Библиотека', 'Приёмная комиссия']);
    expect(screen.getByText('Выберите беседу')).toBeInTheDocument();
    expect(harness.transport.sockets).toEqual([]);
  });

  it('opens the selected conversation with its messages and highlights it', async () => {
    const { harness, user } = await setup();

    await user.click(screen.getByRole('button', { name: /^Библиотека/ }));

    expect(screen.getByRole('heading', { name: 'Библиотека' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /^Библиотека/ })).toHaveAttribute(
      'aria-current',
      'true',
    );
    expect(harness.transport.sockets.map((socket) => socket.url)).toEqual([
      socketUrl(OTHER_CONVERSATION),
    ]);
    harness.acceptSocket(OTHER_CONVERSATION);
    expect(await screen.findByText('Книга вернулась')).toBeInTheDocument();
    expect(screen.queryByText('Документы принимают до пятницы')).not.toBeInTheDocument();
  });

  it('switches conversations; the one it leaves stays live (a seed server) until the chat goes', async () => {
    const { harness, user, view } = await setup();
    await user.click(screen.getByRole('button', { name: /^Библиотека/ }));
    const library = harness.acceptSocket(OTHER_CONVERSATION);
    await harness.historyLoaded(OTHER_CONVERSATION);

    await user.click(screen.getByRole('button', { name: /^Приёмная комиссия/ }));
    harness.acceptSocket(CONVERSATION);

    // Without a user stream its own socket is what brings its messages (and its unread count).
    expect(library.state).toBe('open');
    expect(await screen.findByText('Документы принимают до пятницы')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Приёмная комиссия' })).toBeInTheDocument();
    view.unmount();
    expect(library.state).toBe('closed');
  });

  it('creates a group with the chosen participants through POST /conversations/ and opens it', async () => {
    const { harness, user } = await setup();

    await user.click(screen.getByRole('button', { name: 'Новая беседа' }));
    await user.click(screen.getByRole('radio', { name: 'Группа' }));
    await user.type(screen.getByRole('textbox', { name: 'Название группы' }), 'Экзамены');
    await user.click(await screen.findByRole('checkbox', { name: /Бакыт Маматов/ }));
    await user.click(screen.getByRole('checkbox', { name: /Айзада Токтогулова/ }));
    await user.click(screen.getByRole('button', { name: 'Создать' }));

    await waitFor(() =>
      expect(harness.server.requestsTo('POST', '/conversations/')).toHaveLength(1),
    );
    expect(harness.server.requestsTo('POST', '/conversations/')[0]?.body).toEqual({
      type: 'group',
      title: 'Экзамены',
      participant_ids: [3, 2],
    });
    expect(await screen.findByRole('heading', { name: 'Экзамены' })).toBeInTheDocument();
    const created = harness.server.conversations.at(-1);
    expect(created?.title).toBe('Экзамены');
    expect(harness.socketOf(created?.id).url).toBe(socketUrl(created?.id ?? ''));
    expect(screen.getByRole('button', { name: /^Экзамены/ })).toHaveAttribute(
      'aria-current',
      'true',
    );
  });

  it('keeps the form open and tells the person when the server refuses to create', async () => {
    const { harness, user } = await setup();
    harness.server.intercept = (request) =>
      request.method === 'POST' ? { status: 400, body: { detail: 'Unknown user 3' } } : undefined;

    await user.click(screen.getByRole('button', { name: 'Новая беседа' }));
    await user.click(await screen.findByRole('radio', { name: /Бакыт Маматов/ }));
    await user.click(screen.getByRole('button', { name: 'Создать' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Не удалось создать беседу');
    expect(await screen.findByText('Запрос не выполнен')).toBeInTheDocument();
    expect(harness.server.requestsTo('POST', '/conversations/')[0]?.body).toEqual({
      type: 'private',
      title: null,
      participant_ids: [3],
    });
  });

  it('on a narrow screen shows one view at a time, with a back button to the list', async () => {
    const { harness, user, view } = await setup();
    expect(layout(view)).toHaveAttribute('data-view', 'sidebar');

    await user.click(screen.getByRole('button', { name: /^Библиотека/ }));
    const socket = harness.acceptSocket(OTHER_CONVERSATION);
    await harness.historyLoaded(OTHER_CONVERSATION);

    // jsdom applies no container queries: the stylesheet hides the inactive view
    // (and the back button on a wide frame) by these attributes.
    expect(layout(view)).toHaveAttribute('data-view', 'main');
    await user.click(screen.getByRole('button', { name: 'Назад к списку бесед' }));

    expect(layout(view)).toHaveAttribute('data-view', 'sidebar');
    expect(screen.getByText('Выберите беседу')).toBeInTheDocument();
    // Back in the list, the conversation stays live for its badge; the socket goes with the chat.
    expect(socket.state).toBe('open');
    view.unmount();
    expect(socket.state).toBe('closed');
  });

  it('closes a conversation that was deleted', async () => {
    const { harness, user } = await setup();
    await user.click(screen.getByRole('button', { name: /^Библиотека/ }));
    harness.acceptSocket(OTHER_CONVERSATION);
    await harness.historyLoaded(OTHER_CONVERSATION);

    await user.click(screen.getByRole('button', { name: 'Удалить беседу «Библиотека»' }));
    await user.click(
      within(screen.getByRole('group', { name: 'Удалить беседу?' })).getByRole('button', {
        name: 'Удалить',
      }),
    );

    await waitFor(() => expect(screen.getByText('Выберите беседу')).toBeInTheDocument());
    expect(
      harness.server.requestsTo('DELETE', `/conversations/${OTHER_CONVERSATION}`),
    ).toHaveLength(1);
    expect(screen.queryByRole('button', { name: /^Библиотека/ })).not.toBeInTheDocument();
  });

  it('speaks English inside an English ChatLocaleProvider', async () => {
    const harness = createHarness();
    render(
      <harness.Wrapper>
        <ChatLocaleProvider locale={enLocale}>
          <ChatContainer />
        </ChatLocaleProvider>
      </harness.Wrapper>,
    );

    expect(await screen.findByRole('list', { name: 'Chats' })).toBeInTheDocument();
    expect(screen.getByText('Select a conversation')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'New conversation' })).toBeInTheDocument();
  });

  it('paces the list’s previews and the open conversation by its render interval; the person’s typing shows the conversation at once', async () => {
    const harness = createHarness({ messages: history });
    const user = userEvent.setup();
    // An interval no test outlives: what shows came from a render the test caused.
    render(
      <harness.Wrapper>
        <ChatContainer renderIntervalMs={60_000} />
      </harness.Wrapper>,
    );
    await screen.findByRole('button', { name: /^Библиотека/ });
    await user.click(screen.getByRole('button', { name: /^Библиотека/ }));
    const socket = harness.acceptSocket(OTHER_CONVERSATION);
    await harness.historyLoaded(OTHER_CONVERSATION);
    const composer = screen.getByRole('textbox', { name: 'Сообщение' });
    await user.type(composer, 'а');
    expect(screen.getByText('Книга вернулась')).toBeInTheDocument();
    const preview = () =>
      screen
        .getByRole('button', { name: /^Библиотека/ })
        .querySelector('.ucr-conversation__bottom');
    const previewBefore = preview()?.textContent;

    harness.push(socket, {
      type: 'message:new',
      payload: historyMessage(3, { conversation_id: OTHER_CONVERSATION, text: 'Нашлась вторая' }),
    });
    // Longer than the default interval's longest wait: the container passed its own on.
    await act(() => new Promise((resolve) => setTimeout(resolve, 3 * RENDER_INTERVAL_MS)));
    expect(screen.queryByText('Нашлась вторая')).not.toBeInTheDocument();
    await user.type(composer, 'б');

    expect(screen.getByText('Нашлась вторая')).toHaveClass('ucr-message__text');
    // The list did not re-render: its preview waits for the interval.
    expect(preview()?.textContent).toBe(previewBefore);
    expect(previewBefore).not.toContain('Нашлась вторая');
  });
});
