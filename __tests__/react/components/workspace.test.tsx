/** @jest-environment jsdom */
/**
 * The live workspace in the presentational components: unread badges, typing,
 * presence, the "new messages" divider, receipts and the composer's typing
 * report, in both languages.
 */
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ChatMessagesView, ChatSelect } from '../../../src/react/components';
import type { ChatMessagesViewProps, ChatSelectProps } from '../../../src/react/components';
import { ChatLocaleProvider } from '../../../src/react/i18n';
import { ruLocale, ruStrings } from '../../../src/react/i18n/strings';
import { enLocale, enStrings } from 'unet-chat-redux/react/locales/en';
import { directory, makeConversation, makeMessage, usersById } from './fixtures';
import { mockLayout } from './layout';

const ME = 1;

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = mockLayout();
});
afterEach(() => restoreLayout());

async function settle(): Promise<void> {
  await act(async () => {
    await new Promise((done) => setTimeout(done, 0));
  });
}

const group = makeConversation({
  id: 'c1',
  title: 'Приёмная комиссия',
  participant_ids: [1, 2, 3],
});
const withIvan = makeConversation({
  id: 'c2',
  type: 'private',
  title: null,
  participant_ids: [1, 2],
});

function renderList(overrides: Partial<ChatSelectProps> = {}, language: 'ru' | 'en' = 'ru') {
  const props: ChatSelectProps = {
    onSelectChat: jest.fn(),
    conversations: [group, withIvan],
    loading: false,
    onCreateConversation: jest.fn(async () => null),
    selectedChatId: null,
    users: directory,
    currentUserId: ME,
    ...overrides,
  };
  return render(
    <ChatLocaleProvider locale={language === 'en' ? enLocale : ruLocale}>
      <ChatSelect {...props} />
    </ChatLocaleProvider>,
  );
}

function rowButton(title: string): HTMLElement {
  const button = screen
    .getAllByRole('button')
    .find(
      (candidate) =>
        candidate.classList.contains('ucr-conversation__button') &&
        candidate.querySelector('.ucr-conversation__title')?.textContent === title,
    );
  if (!button) throw new Error(`no row ${title}`);
  return button;
}

describe('conversation rows', () => {
  it('show an unread badge with a worded label, and none at zero', () => {
    renderList({ unreadCounts: { c1: 3, c2: 0 } });
    const row = rowButton('Приёмная комиссия');
    expect(row.querySelector('.ucr-badge [aria-hidden]')?.textContent).toBe('3');
    expect(row).toHaveAccessibleName(expect.stringContaining('3 непрочитанных'));
    expect(row.dataset.unread).toBe('3');
    expect(rowButton('Иван Петров').querySelector('.ucr-badge')).toBeNull();
  });

  it('cap the badge at 99+ but keep the exact count in the label', () => {
    renderList({ unreadCounts: { c1: 150 } });
    const row = rowButton('Приёмная комиссия');
    expect(row.querySelector('.ucr-badge [aria-hidden]')?.textContent).toBe('99+');
    expect(row).toHaveAccessibleName(expect.stringContaining('150 непрочитанных'));
  });

  it('say who is typing instead of the preview, by name', () => {
    renderList({ typingUserIds: { c1: [2] }, unreadCounts: { c1: 1 } });
    const row = rowButton('Приёмная комиссия');
    expect(within(row).getByText('Иван Петров печатает…')).toBeTruthy();
    expect(
      row.querySelector('.ucr-conversation__preview:not(.ucr-conversation__typing)'),
    ).toBeNull();
  });

  it('mark a private chat whose other person is online', () => {
    renderList({ isOnline: (id) => id === 2 });
    expect(rowButton('Иван Петров').querySelector('.ucr-avatar__online')).not.toBeNull();
    expect(rowButton('Иван Петров')).toHaveAccessibleName(expect.stringContaining('в сети'));
    // Groups have no single other person: no dot.
    expect(rowButton('Приёмная комиссия').querySelector('.ucr-avatar__online')).toBeNull();
  });

  it('speak English too', () => {
    renderList({ unreadCounts: { c1: 1 }, typingUserIds: { c2: [2] } }, 'en');
    expect(rowButton('Приёмная комиссия')).toHaveAccessibleName(
      expect.stringContaining('1 unread'),
    );
    expect(within(rowButton('Иван Петров')).getByText('Иван Петров is typing…')).toBeTruthy();
  });
});

describe('workspace strings', () => {
  it('pick Russian plural forms and name up to two typists', () => {
    expect([1, 2, 5, 21].map(ruStrings.unreadCount)).toEqual([
      '1 непрочитанное',
      '2 непрочитанных',
      '5 непрочитанных',
      '21 непрочитанное',
    ]);
    expect(ruStrings.typing(['Айзада'])).toBe('Айзада печатает…');
    expect(ruStrings.typing(['Айзада', 'Бакыт'])).toBe('Айзада и Бакыт печатают…');
    expect(ruStrings.typing(['a', 'b', 'c'])).toBe('3 человека печатают…');
    expect(enStrings.typing(['a', 'b', 'c', 'd', 'e'])).toBe('5 people are typing…');
  });
});

const question = makeMessage({ id: 'q', sender_id: 2, text: 'Когда экзамен?' });
const answer = makeMessage({ id: 'a', sender_id: ME, text: 'Завтра в 10' });
const later = makeMessage({ id: 'l', sender_id: 2, text: 'Спасибо' });

async function renderView(overrides: Partial<ChatMessagesViewProps> = {}) {
  const messages = overrides.messages ?? [question, answer, later];
  const props: ChatMessagesViewProps = {
    conversation: withIvan,
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
  const view = render(<ChatMessagesView {...props} />);
  await settle();
  return { ...view, props, user: userEvent.setup() };
}

describe('the conversation view', () => {
  it('draws the divider after the given message, not after the newest', async () => {
    const { container, rerender, props } = await renderView({ dividerAfterId: 'a' });
    const divider = screen.getByText('Новые сообщения').closest('.ucr-divider') as HTMLElement;
    expect(
      divider
        .closest('.ucr-row')
        ?.querySelector('[data-message-id]')
        ?.getAttribute('data-message-id'),
    ).toBe('a');
    rerender(<ChatMessagesView {...props} dividerAfterId="l" />);
    expect(container.querySelector('.ucr-divider')).toBeNull();
  });

  it('marks own messages with their receipt, labelled', async () => {
    const { rerender, props } = await renderView({ receipts: { a: 'delivered' } });
    const mark = document.querySelector('[data-message-id="a"] .ucr-receipt');
    expect(mark?.getAttribute('aria-label')).toBe('Доставлено');
    expect(mark?.getAttribute('title')).toBe('Доставлено');
    rerender(<ChatMessagesView {...props} receipts={{ a: 'read', q: 'read' }} />);
    expect(screen.getByRole('img', { name: 'Прочитано' })).toBeTruthy();
    // Others' messages never carry a receipt, whatever is passed.
    expect(document.querySelector('[data-message-id="q"] .ucr-receipt')).toBeNull();
  });

  it('says who is typing under the list, and nothing when nobody is', async () => {
    const { rerender, props, container } = await renderView({ typingUserIds: [2] });
    const line = container.querySelector('.ucr-typing') as HTMLElement;
    expect(line.getAttribute('aria-live')).toBe('polite');
    expect(line.textContent).toBe('Иван Петров печатает…');
    rerender(<ChatMessagesView {...props} typingUserIds={[]} />);
    expect(line.textContent).toBe('');
  });

  it('shows presence in a private header: online, or when last seen', async () => {
    const { rerender, props } = await renderView({
      presence: { 2: { online: true, lastSeenAt: null } },
    });
    const header = document.querySelector('.ucr-header__subtitle') as HTMLElement;
    expect(header.textContent).toBe('в сети · @ivan');
    rerender(
      <ChatMessagesView
        {...props}
        presence={{ 2: { online: false, lastSeenAt: '2024-03-05T10:24:00Z' } }}
      />,
    );
    expect(header.textContent).toMatch(/^был\(а\) в сети .*\d\d:\d\d · @ivan$/);
  });

  it('counts and marks the online participants of a group, never the reader', async () => {
    await renderView({
      conversation: group,
      presence: { 1: { online: true, lastSeenAt: null }, 3: { online: true, lastSeenAt: null } },
    });
    const header = document.querySelector('.ucr-header__subtitle') as HTMLElement;
    expect(header.textContent).toContain('1 в сети');
    const online = [...header.querySelectorAll('.ucr-participant[data-online]')].map(
      (element) => element.textContent,
    );
    expect(online).toEqual([', Анна Смирнова (в сети)']);
  });

  it('reports typing on each input with text, not when the field is cleared', async () => {
    const onTyping = jest.fn();
    const { user } = await renderView({ onTyping });
    const field = screen.getByRole('textbox');
    await user.type(field, 'Да');
    expect(onTyping).toHaveBeenCalledTimes(2);
    await user.clear(field);
    const calls = onTyping.mock.calls.length;
    // Clearing the field is not typing.
    expect(calls).toBe(2);
  });
});
