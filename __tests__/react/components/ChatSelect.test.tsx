/** @jest-environment jsdom */
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ChatSelect } from '../../../src/react/components';
import type { ChatSelectProps } from '../../../src/react/components';
import { directory, makeConversation, makeMessage } from './fixtures';
import type { MessageSearchState } from '../../../src/react/components';

const ME = 1;

const admissions = makeConversation({
  id: 'c1',
  title: 'Приёмная комиссия',
  created_at: '2024-03-01T09:00:00',
  participant_ids: [1, 2, 3],
});
const withIvan = makeConversation({
  id: 'c2',
  type: 'private',
  title: null,
  created_at: '2024-03-02T09:00:00',
  participant_ids: [1, 2],
});
const library = makeConversation({
  id: 'c3',
  title: 'Библиотека',
  created_at: '2024-03-03T09:00:00',
  participant_ids: [1, 4],
});

function setup(overrides: Partial<ChatSelectProps> = {}) {
  const props: ChatSelectProps = {
    onSelectChat: jest.fn(),
    conversations: [admissions, withIvan, library],
    loading: false,
    onCreateConversation: jest.fn(async (type: 'private' | 'group', title?: string) =>
      makeConversation({ id: 'created', type, title: title ?? null }),
    ),
    selectedChatId: null,
    users: directory,
    currentUserId: ME,
    ...overrides,
  };
  const user = userEvent.setup();
  const view = render(<ChatSelect {...props} />);
  return { ...view, props, user };
}

function conversationButtons(): HTMLElement[] {
  return within(screen.getByRole('list', { name: 'Чаты' }))
    .getAllByRole('button')
    .filter((button) => button.classList.contains('ucr-conversation__button'));
}

describe('ChatSelect', () => {
  it('lists conversations, newest activity first', () => {
    setup();

    expect(
      conversationButtons().map(
        (button) => button.querySelector('.ucr-conversation__title')?.textContent,
      ),
    ).toEqual(['Библиотека', 'Иван Петров', 'Приёмная комиссия']);
  });

  it('names an untitled private conversation after the other participant', () => {
    setup();

    expect(screen.getByRole('button', { name: /Иван Петров/ })).toBeInTheDocument();
  });

  it('calls onSelectChat with the id of the clicked conversation', async () => {
    const { props, user } = setup();

    await user.click(screen.getByRole('button', { name: /Библиотека/ }));

    expect(props.onSelectChat).toHaveBeenCalledWith('c3', { keyboard: false });
  });

  it('highlights the selected conversation with aria-current', () => {
    setup({ selectedChatId: 'c1' });

    expect(screen.getByRole('button', { name: /Приёмная комиссия/ })).toHaveAttribute(
      'aria-current',
      'true',
    );
    expect(screen.getByRole('button', { name: /Библиотека/ })).not.toHaveAttribute('aria-current');
  });

  it('filters by title', async () => {
    const { user } = setup();

    await user.type(
      screen.getByRole('searchbox', { name: 'Поиск по беседам и сообщениям' }),
      'библ',
    );

    expect(conversationButtons()).toHaveLength(1);
    expect(screen.getByRole('button', { name: /Библиотека/ })).toBeInTheDocument();
  });

  it('filters by participant names from the directory', async () => {
    const { user } = setup();

    await user.type(
      screen.getByRole('searchbox', { name: 'Поиск по беседам и сообщениям' }),
      'Смирнова',
    );

    expect(conversationButtons()).toHaveLength(1);
    expect(screen.getByRole('button', { name: /Приёмная комиссия/ })).toBeInTheDocument();
  });

  it('says when nothing matches and clears the search', async () => {
    const { user } = setup();
    const search = screen.getByRole('searchbox', { name: 'Поиск по беседам и сообщениям' });

    await user.type(search, 'zzz');
    expect(screen.getByText('По запросу «zzz» ничего не найдено')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Очистить поиск' }));
    expect(search).toHaveValue('');
    expect(conversationButtons()).toHaveLength(3);
  });

  it('previews the last message and its time, preferring lastMessages over the conversation', () => {
    setup({
      conversations: [
        {
          ...admissions,
          last_message: {
            id: 'old',
            conversation_id: 'c1',
            sender_id: 2,
            text: 'stale preview',
            reply_to: null,
            is_edited: false,
            created_at: '2024-03-04T10:00:00',
          },
        },
      ],
      lastMessages: {
        c1: {
          id: 'new',
          conversation_id: 'c1',
          sender_id: ME,
          text: 'Документы готовы',
          reply_to: null,
          is_edited: false,
          created_at: '2024-03-05T10:00:00',
        },
      },
    });

    const item = screen.getByRole('button', { name: /Приёмная комиссия/ });
    expect(item).toHaveTextContent('Вы: Документы готовы');
    expect(item).not.toHaveTextContent('stale preview');
    expect(item.querySelector('time')).toHaveAttribute('dateTime', '2024-03-05T10:00:00.000Z');
  });

  it('shows the sender of a group preview and a placeholder without messages', () => {
    setup({
      conversations: [
        {
          ...admissions,
          last_message: {
            id: 'm',
            conversation_id: 'c1',
            sender_id: 3,
            text: 'Здравствуйте',
            reply_to: null,
            is_edited: false,
            created_at: '2024-03-04T10:00:00',
          },
        },
        library,
      ],
    });

    expect(screen.getByRole('button', { name: /Приёмная комиссия/ })).toHaveTextContent(
      'Анна Смирнова: Здравствуйте',
    );
    expect(screen.getByRole('button', { name: /Библиотека/ })).toHaveTextContent(
      'Сообщений пока нет',
    );
  });

  it('shows an empty state without conversations', () => {
    setup({ conversations: [] });

    expect(screen.getByText('Бесед пока нет')).toBeInTheDocument();
  });

  it('shows a loading state before the first conversations arrive', () => {
    setup({ conversations: [], loading: true });

    expect(screen.getByRole('status')).toHaveTextContent('Загрузка…');
    expect(screen.queryByText('Бесед пока нет')).toBeNull();
  });

  it('creates a private conversation with a person from the directory and opens it', async () => {
    const { props, user } = setup();

    await user.click(screen.getByRole('button', { name: 'Новая беседа' }));
    const form = screen.getByRole('form', { name: 'Новая беседа' });
    expect(within(form).getByRole('radio', { name: 'Личная' })).toHaveFocus();
    expect(within(form).queryByRole('radio', { name: /Мария Иванова/ })).toBeNull();

    await user.click(within(form).getByRole('radio', { name: /Анна Смирнова/ }));
    await user.click(within(form).getByRole('button', { name: 'Создать' }));

    expect(props.onCreateConversation).toHaveBeenCalledWith('private', undefined, [3]);
    expect(props.onSelectChat).toHaveBeenCalledWith('created');
    expect(screen.queryByRole('form')).toBeNull();
  });

  it('creates a group with a title and several participants', async () => {
    const { props, user } = setup();

    await user.click(screen.getByRole('button', { name: 'Новая беседа' }));
    const form = screen.getByRole('form', { name: 'Новая беседа' });
    await user.click(within(form).getByRole('radio', { name: 'Группа' }));
    await user.type(within(form).getByRole('textbox', { name: 'Название группы' }), ' Экзамены ');
    await user.type(within(form).getByRole('searchbox', { name: 'Найти людей' }), 'ан');
    await user.click(within(form).getByRole('checkbox', { name: /Анна Смирнова/ }));
    await user.clear(within(form).getByRole('searchbox', { name: 'Найти людей' }));
    await user.click(within(form).getByRole('checkbox', { name: /Олег Ким/ }));
    await user.click(within(form).getByRole('button', { name: 'Создать' }));

    expect(props.onCreateConversation).toHaveBeenCalledWith('group', 'Экзамены', [3, 4]);
  });

  it('asks for a participant before creating', async () => {
    const { props, user } = setup();

    await user.click(screen.getByRole('button', { name: 'Новая беседа' }));
    await user.click(screen.getByRole('button', { name: 'Создать' }));

    expect(screen.getByRole('alert')).toHaveTextContent('Выберите одного собеседника');
    expect(props.onCreateConversation).not.toHaveBeenCalled();
  });

  it('validates typed participant ids when there is no directory', async () => {
    const { props, user } = setup({ users: undefined });

    await user.click(screen.getByRole('button', { name: 'Новая беседа' }));
    await user.click(screen.getByRole('radio', { name: 'Группа' }));
    const ids = screen.getByRole('textbox', { name: 'ID участников' });

    await user.type(ids, '12, abc');
    await user.click(screen.getByRole('button', { name: 'Создать' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Введите числовые ID через запятую');
    expect(props.onCreateConversation).not.toHaveBeenCalled();

    await user.clear(ids);
    await user.type(ids, '12, 34 12');
    await user.click(screen.getByRole('button', { name: 'Создать' }));
    expect(props.onCreateConversation).toHaveBeenCalledWith('group', undefined, [12, 34]);
  });

  it('keeps the form open with an error when the conversation could not be created', async () => {
    const { props, user } = setup({ onCreateConversation: jest.fn(async () => null) });

    await user.click(screen.getByRole('button', { name: 'Новая беседа' }));
    await user.click(screen.getByRole('radio', { name: /Иван Петров/ }));
    await user.click(screen.getByRole('button', { name: 'Создать' }));

    expect(screen.getByRole('alert')).toHaveTextContent('Не удалось создать беседу');
    expect(screen.getByRole('form', { name: 'Новая беседа' })).toBeInTheDocument();
    expect(props.onSelectChat).not.toHaveBeenCalled();
  });

  it('closes the form with Escape and gives focus back to the button', async () => {
    const { user } = setup();
    const newButton = screen.getByRole('button', { name: 'Новая беседа' });

    await user.click(newButton);
    await user.keyboard('{Escape}');

    expect(screen.queryByRole('form')).toBeNull();
    expect(newButton).toHaveFocus();
  });

  it('deletes a conversation after confirmation', async () => {
    const onDeleteConversation = jest.fn();
    const { user } = setup({ onDeleteConversation });

    await user.click(screen.getByRole('button', { name: 'Удалить беседу «Библиотека»' }));
    expect(onDeleteConversation).not.toHaveBeenCalled();
    await user.click(
      within(screen.getByRole('group', { name: 'Удалить беседу?' })).getByRole('button', {
        name: 'Удалить',
      }),
    );

    expect(onDeleteConversation).toHaveBeenCalledWith('c3');
  });

  it('offers no delete action without onDeleteConversation', () => {
    setup();

    expect(screen.queryByRole('button', { name: /Удалить беседу/ })).toBeNull();
  });

  it('tells a keyboard choice (Enter) from a click, so the composer may take the focus', async () => {
    const { props, user } = setup();
    screen.getByRole('button', { name: /Библиотека/ }).focus();
    await user.keyboard('{Enter}');
    expect(props.onSelectChat).toHaveBeenLastCalledWith('c3', { keyboard: true });
    await user.click(screen.getByRole('button', { name: /Библиотека/ }));
    expect(props.onSelectChat).toHaveBeenLastCalledWith('c3', { keyboard: false });
  });

  it('shows a failed first load as an error with Retry, not as an empty list', async () => {
    const onRetryLoad = jest.fn();
    const { user } = setup({
      conversations: [],
      loadError: { code: 'fetch_error', detail: 'TypeError: Failed to fetch' },
      onRetryLoad,
    });
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Не удалось загрузить беседы');
    expect(within(alert).getByText('Нет связи с сервером')).toHaveAttribute(
      'title',
      'TypeError: Failed to fetch',
    );
    expect(screen.queryByText('Бесед пока нет')).toBeNull();
    await user.click(within(alert).getByRole('button', { name: 'Повторить' }));
    expect(onRetryLoad).toHaveBeenCalledTimes(1);
  });

  it('keeps the list when a refresh fails, with a note and Retry above it', () => {
    setup({ loadError: { code: 'http_500' }, onRetryLoad: jest.fn() });
    expect(screen.getByRole('alert')).toHaveTextContent('Не удалось обновить список бесед');
    expect(conversationButtons()).toHaveLength(3);
  });

  it('marks a last message that is still sending or failed in the preview', () => {
    setup({
      lastMessages: {
        c1: {
          ...makeMessage({ conversation_id: 'c1', sender_id: ME, text: 'Уходит' }),
          status: 'pending',
        },
        c3: {
          ...makeMessage({ conversation_id: 'c3', sender_id: ME, text: 'Застряло' }),
          status: 'failed',
        },
      },
    });
    const pending = screen.getByRole('button', { name: /Приёмная комиссия/ });
    expect(pending).toHaveTextContent('Отправляется: Вы: Уходит');
    const failed = screen.getByRole('button', { name: /Библиотека/ });
    expect(failed).toHaveTextContent('Не отправлено: Застряло');
    expect(failed.querySelector('[data-status="failed"]')).not.toBeNull();
  });

  describe('with message search', () => {
    const hit = {
      message: makeMessage({
        id: 'found',
        conversation_id: 'c3',
        sender_id: 4,
        text: 'Книги по SQL пришли',
      }),
      snippet: { text: 'Книги по SQL пришли', highlights: [[9, 12]] as Array<[number, number]> },
    };
    const done: MessageSearchState = {
      query: 'sql',
      status: 'done',
      scope: 'server',
      results: [hit],
    };

    it('reports the query and lists found messages with the words marked, under matching conversations', async () => {
      const onSearchQueryChange = jest.fn();
      const onOpenSearchResult = jest.fn();
      const { user, rerender, props } = setup({ onSearchQueryChange, onOpenSearchResult });
      await user.type(screen.getByRole('searchbox'), 'sql');
      expect(onSearchQueryChange).toHaveBeenLastCalledWith('sql');

      rerender(<ChatSelect {...props} messageSearch={done} />);
      const results = screen.getByRole('region', { name: 'Сообщения' });
      const button = within(results).getByRole('button', { name: /Книги по SQL пришли/ });
      expect(button).toHaveAccessibleName(/в беседе «Библиотека»/);
      expect(within(button).getByText('SQL').tagName).toBe('MARK');
      expect(button).toHaveTextContent('Олег Ким: Книги по SQL пришли');
      expect(screen.getByRole('status')).toHaveTextContent('Найдено: 1 сообщение');

      await user.click(button);
      expect(onOpenSearchResult).toHaveBeenCalledWith(hit);
    });

    it('says when only the loaded messages were searched', async () => {
      const { user, rerender, props } = setup();
      await user.type(screen.getByRole('searchbox'), 'sql');
      rerender(<ChatSelect {...props} messageSearch={{ ...done, scope: 'loaded' }} />);
      expect(
        screen.getByText(
          /Сервер не умеет искать по сообщениям — показаны совпадения только среди загруженных/,
        ),
      ).toBeInTheDocument();
    });

    it('says when nothing was found, and shows a failed search with Retry', async () => {
      const onRetrySearch = jest.fn();
      const { user, rerender, props } = setup({ onRetrySearch });
      await user.type(screen.getByRole('searchbox'), 'zzz');
      rerender(<ChatSelect {...props} messageSearch={{ ...done, query: 'zzz', results: [] }} />);
      expect(screen.getByText('В сообщениях ничего не найдено')).toBeInTheDocument();

      rerender(
        <ChatSelect
          {...props}
          messageSearch={{
            ...done,
            results: [],
            status: 'error',
            errorCode: 'http_429',
            error: 'slow down',
          }}
        />,
      );
      const alert = screen.getByRole('alert');
      expect(alert).toHaveTextContent('Слишком много запросов — подождите немного');
      await user.click(within(alert).getByRole('button', { name: 'Повторить' }));
      expect(onRetrySearch).toHaveBeenCalledTimes(1);
    });
  });
});
