/** @jest-environment jsdom */
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ChatMessagesView } from '../../../src/react/components';
import type { ChatMessagesViewProps } from '../../../src/react/components';
import { makeConversation, makeMessage, makeUnsent, usersById } from './fixtures';
import { mockLayout } from './layout';

const ME = 1;

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = mockLayout();
});
afterEach(() => restoreLayout());

const question = makeMessage({ id: 'q', sender_id: 2, text: 'Когда экзамен?' });
const mine = makeMessage({ id: 'mine', sender_id: ME, text: 'Завтра в 10' });

async function setup(overrides: Partial<ChatMessagesViewProps> = {}) {
  const messages = overrides.messages ?? [question, mine];
  const props: ChatMessagesViewProps = {
    conversation: makeConversation(),
    messages,
    currentUserId: ME,
    users: usersById,
    resolveMessage: (id) => messages.find((message) => message.id === id),
    hasMoreOlder: false,
    loadingOlder: false,
    onLoadOlder: jest.fn(),
    connectionStatus: 'open',
    onReconnect: jest.fn(),
    onSend: jest.fn(),
    onEdit: jest.fn(),
    onDelete: jest.fn(),
    onRetry: jest.fn(),
    onDiscard: jest.fn(),
    ...overrides,
  };
  const user = userEvent.setup();
  const view = render(<ChatMessagesView {...props} />);
  await settle();
  return { ...view, props, user, composer: screen.getByRole('textbox') };
}

/** Lets the scroll events queued by the message list's own scrolling arrive. */
async function settle() {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

function row(id: string): HTMLElement {
  const element = document.querySelector<HTMLElement>(`.ucr-message[data-message-id="${id}"]`);
  if (!element) throw new Error(`no row for message ${id}`);
  return element;
}

describe('ChatMessagesView', () => {
  it('asks to select a conversation when there is none', async () => {
    await act(async () => {
      render(
        <ChatMessagesView
          conversation={undefined}
          messages={[]}
          currentUserId={ME}
          resolveMessage={() => undefined}
          hasMoreOlder={false}
          loadingOlder={false}
          onLoadOlder={jest.fn()}
          connectionStatus="idle"
          onReconnect={jest.fn()}
          onSend={jest.fn()}
          onEdit={jest.fn()}
          onDelete={jest.fn()}
          onRetry={jest.fn()}
          onDiscard={jest.fn()}
        />,
      );
    });

    expect(screen.getByText('Выберите беседу')).toBeInTheDocument();
    expect(screen.queryByRole('textbox')).toBeNull();
  });

  it('heads the conversation with its title, participants and connection state', async () => {
    await setup({
      connectionStatus: 'reconnecting',
      connectionAttempt: 1,
      connectionMaxAttempts: 5,
    });

    expect(screen.getByRole('heading', { name: 'Приёмная комиссия' })).toBeInTheDocument();
    expect(screen.getByText('3 участника · Вы, Иван Петров, Анна Смирнова')).toBeInTheDocument();
    expect(screen.getByRole('status', { name: 'Соединение' })).toHaveTextContent(
      'Переподключение, попытка 1 из 5…',
    );
  });

  it('sends a new message with no reply target', async () => {
    const { props, user, composer } = await setup();

    await user.type(composer, 'Спасибо{Enter}');

    expect(props.onSend).toHaveBeenCalledWith('Спасибо', null);
  });

  it('replies to a message: quotes it in the composer and sends its id', async () => {
    const { props, user, composer } = await setup();

    await user.click(within(row('q')).getByRole('button', { name: 'Ответить' }));
    expect(screen.getByText('Ответ Иван Петров')).toBeInTheDocument();
    expect(composer).toHaveFocus();
    expect(row('q')).toHaveClass('ucr-message--active');

    await user.type(composer, 'В пятницу{Enter}');

    expect(props.onSend).toHaveBeenCalledWith('В пятницу', 'q');
    expect(screen.queryByText('Ответ Иван Петров')).toBeNull();
  });

  it('drops the reply with Escape and then sends without a target', async () => {
    const { props, user, composer } = await setup();

    await user.click(within(row('q')).getByRole('button', { name: 'Ответить' }));
    await user.keyboard('{Escape}');
    await user.type(composer, 'Просто так{Enter}');

    expect(props.onSend).toHaveBeenCalledWith('Просто так', null);
  });

  it('edits an own message: pre-fills the composer and submits id and new text', async () => {
    const { props, user, composer } = await setup();

    await user.click(within(row('mine')).getByRole('button', { name: 'Изменить' }));
    expect(composer).toHaveValue('Завтра в 10');
    expect(screen.getByText('Редактирование сообщения')).toBeInTheDocument();

    await user.clear(composer);
    await user.type(composer, 'Завтра в 11{Enter}');

    expect(props.onEdit).toHaveBeenCalledWith('mine', 'Завтра в 11');
    expect(props.onSend).not.toHaveBeenCalled();
    expect(composer).toHaveValue('');
  });

  it('cancels an edit with Escape without calling onEdit', async () => {
    const { props, user, composer } = await setup();

    await user.click(within(row('mine')).getByRole('button', { name: 'Изменить' }));
    await user.keyboard('{Escape}');

    expect(composer).toHaveValue('');
    expect(props.onEdit).not.toHaveBeenCalled();
  });

  it('deletes an own message by id after confirmation', async () => {
    const { props, user } = await setup();

    await user.click(within(row('mine')).getByRole('button', { name: 'Удалить' }));
    await user.click(
      within(screen.getByRole('group', { name: 'Удалить сообщение?' })).getByRole('button', {
        name: 'Удалить',
      }),
    );

    expect(props.onDelete).toHaveBeenCalledWith('mine');
  });

  it('passes retry and discard of a failed message through', async () => {
    const failed = makeUnsent('f', 'failed', { error: 'Ошибка сети' });
    const { props, user } = await setup({ messages: [failed] });

    await user.click(within(row('f')).getByRole('button', { name: 'Повторить' }));
    await user.click(within(row('f')).getByRole('button', { name: 'Не отправлять' }));

    expect(props.onRetry).toHaveBeenCalledWith(failed);
    expect(props.onDiscard).toHaveBeenCalledWith(failed);
  });

  it('reconnects from the failed connection state', async () => {
    const { props, user } = await setup({
      connectionStatus: 'failed',
      connectionError: 'Сервер недоступен',
    });

    await user.click(screen.getByRole('button', { name: 'Переподключиться' }));

    expect(props.onReconnect).toHaveBeenCalledTimes(1);
  });

  it('offers a back button when onBack is given', async () => {
    const onBack = jest.fn();
    const { user } = await setup({ onBack });

    await user.click(screen.getByRole('button', { name: 'Назад к списку бесед' }));

    expect(onBack).toHaveBeenCalledTimes(1);
  });

  it('shows a loading state while the first messages load', async () => {
    await setup({ messages: [], loading: true });

    expect(screen.getByRole('status', { name: '' })).toHaveTextContent('Загрузка…');
  });

  it('forgets a reply under way when another conversation opens', async () => {
    const { user, rerender, props } = await setup();
    await user.click(within(row('q')).getByRole('button', { name: 'Ответить' }));

    rerender(
      <ChatMessagesView
        {...props}
        conversation={makeConversation({ id: 'c9', title: 'Другая' })}
        messages={[]}
      />,
    );
    await settle();

    expect(screen.getByRole('heading', { name: 'Другая' })).toBeInTheDocument();
    expect(screen.queryByText('Ответ Иван Петров')).toBeNull();
  });

  describe('sync state', () => {
    const sync = (phase: NonNullable<ChatMessagesViewProps['sync']>['phase'], extra = {}) => ({
      phase,
      error: null,
      errorCode: null,
      nextRetryInMs: null,
      ...extra,
    });

    it('keeps the spinner while loading', async () => {
      await setup({ messages: [], sync: sync('loading') });
      expect(screen.getByRole('status', { name: '' })).toHaveTextContent('Загрузка…');
    });

    it('shows why loading failed and a Retry button instead of an endless spinner', async () => {
      const onRetrySync = jest.fn();
      const { user } = await setup({
        messages: [],
        loading: true,
        sync: sync('retrying', {
          error: 'TypeError: Failed to fetch',
          errorCode: 'fetch_error',
          nextRetryInMs: 4200,
        }),
        onRetrySync,
      });

      const alert = screen.getByRole('alert');
      expect(alert).toHaveTextContent('Не удалось загрузить сообщения. Повтор через 5 с');
      expect(within(alert).getByText('Причина: Нет связи с сервером')).toHaveAttribute(
        'title',
        'TypeError: Failed to fetch',
      );
      expect(alert).not.toHaveTextContent('TypeError');
      expect(screen.queryByText('Загрузка…')).toBeNull();
      await user.click(within(alert).getByRole('button', { name: 'Повторить' }));
      expect(onRetrySync).toHaveBeenCalledTimes(1);
    });

    it('shows a failed sync above messages already there, worded by its code', async () => {
      await setup({ sync: sync('failed', { errorCode: 'http_503' }) });
      expect(screen.getByRole('alert')).toHaveTextContent('Не удалось загрузить сообщения');
      expect(screen.getByRole('alert')).toHaveTextContent(
        'Сервер работает с перебоями — попробуйте позже',
      );
      expect(screen.getByText('Когда экзамен?')).toBeInTheDocument();
    });

    it('notes catching up quietly, with the messages still shown', async () => {
      await setup({ sync: sync('catchingUp') });
      expect(screen.getByText('Загружаем пропущенные сообщения…')).toBeInTheDocument();
      expect(screen.getByText('Завтра в 10')).toBeInTheDocument();
      expect(screen.queryByRole('alert')).toBeNull();
    });

    it('shows a gap row with a spinner while catching up', async () => {
      await setup({ sync: sync('catchingUp'), gapAfterId: 'q' });
      const gap = document.querySelector('.ucr-gap');
      expect(gap).toHaveTextContent('Часть сообщений ещё загружается…');
      expect(gap?.querySelector('.ucr-spinner')).not.toBeNull();
    });

    it.each(['disconnected', 'idle', 'live'] as const)(
      'is calm while %s: messages shown, no spinner, no alert, no catching-up note',
      async (phase) => {
        await setup({ sync: sync(phase), connectionStatus: 'reconnecting' });
        expect(screen.getByText('Когда экзамен?')).toBeInTheDocument();
        expect(document.querySelector('.ucr-messages-view .ucr-spinner')).toBeNull();
        expect(screen.queryByRole('alert')).toBeNull();
        expect(screen.queryByText('Загружаем пропущенные сообщения…')).toBeNull();
        expect(screen.queryByText('Загрузка…')).toBeNull();
      },
    );

    it.each(['disconnected', 'retrying', 'failed'] as const)(
      'marks a gap without a spinner while %s: nothing is loading it',
      async (phase) => {
        await setup({ sync: sync(phase), gapAfterId: 'q' });
        const gap = document.querySelector('.ucr-gap');
        expect(gap).toHaveTextContent('Здесь загружены не все сообщения');
        expect(gap?.querySelector('.ucr-spinner')).toBeNull();
      },
    );

    it('shows the empty conversation (not a spinner) when disconnected with no messages', async () => {
      await setup({ messages: [], sync: sync('disconnected') });
      expect(screen.getByText('Сообщений пока нет. Напишите первым!')).toBeInTheDocument();
      expect(document.querySelector('.ucr-messages-view .ucr-spinner')).toBeNull();
    });
  });

  it('edits the last own sent message on ↑ in the empty composer', async () => {
    const { user, composer, props } = await setup();
    await user.click(composer);
    await user.keyboard('{ArrowUp}');
    expect(composer).toHaveValue('Завтра в 10');
    await user.type(composer, '!{Enter}');
    expect(props.onEdit).toHaveBeenCalledWith('mine', 'Завтра в 10!');
  });

  it.each(['pending', 'failed'] as const)(
    '↑ right after sending (the newest own message %s) edits nothing, not the message before it',
    async (status) => {
      const unsent = makeUnsent('unsent', status, {
        text: 'Опечатка',
        created_ms: mine.created_ms + 1000,
      });
      const { user, composer, props } = await setup({ messages: [question, mine, unsent] });
      await user.click(composer);
      await user.keyboard('{ArrowUp}');
      expect(composer).toHaveValue('');
      expect(document.querySelector('.ucr-composer__context')).toBeNull();
      expect(props.onEdit).not.toHaveBeenCalled();
    },
  );

  it('passes a controlled draft to the composer', async () => {
    const onDraftChange = jest.fn();
    const { user, composer } = await setup({ draft: 'черновик', onDraftChange });
    expect(composer).toHaveValue('черновик');
    await user.type(composer, '!');
    expect(onDraftChange).toHaveBeenLastCalledWith('черновик!');
  });

  it('answers the quoted message with the first part only of a text sent in parts', async () => {
    const { user, composer, props } = await setup();
    await user.click(within(row('q')).getByRole('button', { name: 'Ответить' }));
    await user.click(composer);
    await user.paste(`${'а'.repeat(3000)}\n\n${'б'.repeat(3000)}`);
    await user.keyboard('{Enter}');
    expect(props.onSend).toHaveBeenNthCalledWith(1, 'а'.repeat(3000), 'q');
    expect(props.onSend).toHaveBeenNthCalledWith(2, 'б'.repeat(3000), null);
  });

  it('moves the focus into the composer when composerFocusRequest changes', async () => {
    const { composer, rerender, props } = await setup();
    expect(composer).not.toHaveFocus();
    rerender(<ChatMessagesView {...props} composerFocusRequest={1} />);
    expect(composer).toHaveFocus();
  });

  it('words a refused socket by its close code in the header, the raw reason only in the tooltip', async () => {
    await setup({
      connectionStatus: 'failed',
      connectionCode: 4404,
      connectionError: 'no such room',
    });
    const status = screen.getByRole('status', { name: 'Соединение' });
    expect(status).toHaveTextContent('Не найдено: возможно, это удалили');
    expect(status).toHaveAttribute('title', 'no such room');
  });
});
