/** @jest-environment jsdom */
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MessageList } from '../../../src/react/components';
import type { MessageListProps } from '../../../src/react/components';
import { makeHistory, makeMessage, usersById } from './fixtures';
import { mockLayout } from './layout';

const ME = 1;

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = mockLayout();
});
afterEach(() => restoreLayout());

async function settle() {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

async function setup(overrides: Partial<MessageListProps> = {}) {
  const messages = overrides.messages ?? makeHistory(6);
  const props: MessageListProps = {
    messages,
    currentUserId: ME,
    users: usersById,
    resolveMessage: (id) => messages.find((message) => message.id === id),
    hasMoreOlder: false,
    loadingOlder: false,
    onLoadOlder: jest.fn(),
    onReply: jest.fn(),
    onEdit: jest.fn(),
    onDelete: jest.fn(),
    onRetry: jest.fn(),
    onDiscard: jest.fn(),
    ...overrides,
  };
  const view = render(<MessageList {...props} />);
  await settle();
  const rerender = async (next: Partial<MessageListProps>) => {
    Object.assign(props, next);
    view.rerender(<MessageList {...props} />);
    await settle();
  };
  return { ...view, props, rerender, user: userEvent.setup() };
}

function row(id: string): HTMLElement {
  const element = document.querySelector<HTMLElement>(`.ucr-message[data-message-id="${id}"]`);
  if (!element) throw new Error(`no row for message ${id}`);
  return element;
}

/** Everything Tab can reach inside the list. */
function tabStops(): HTMLElement[] {
  return Array.from(
    screen.getByRole('feed').querySelectorAll<HTMLElement>('a, button, [tabindex]'),
  ).filter((element) => element.tabIndex >= 0 && !(element as HTMLButtonElement).disabled);
}

describe('MessageList with the keyboard', () => {
  it('is one tab stop: the newest message, whose own controls follow it; no other message or button', async () => {
    const messages = [
      ...makeHistory(5),
      makeMessage({ id: 'last', sender_id: ME, text: 'See https://kstu.kg', reply_to: 'h0' }),
    ];
    await setup({ messages, hasMoreOlder: true });

    const stops = tabStops();
    expect(stops[0]).toBe(row('last'));
    // The rest are inside that message: its quote, link and Reply/Edit/Delete.
    for (const stop of stops.slice(1)) expect(row('last').contains(stop)).toBe(true);
    expect(stops).toHaveLength(1 + 1 + 1 + 3);
    // The "load older" button at the top is not a tab stop (focusing it would scroll to the top).
    expect(screen.getByRole('button', { name: 'Показать более ранние сообщения' })).toHaveAttribute(
      'tabindex',
      '-1',
    );
  });

  it('moves between messages with the arrows, PageUp/PageDown, Home and End, carrying the tab stop', async () => {
    await setup({ messages: makeHistory(30) });
    const last = row('h29');
    last.focus();

    fireEvent.keyDown(last, { key: 'ArrowUp' });
    await settle();
    expect(row('h28')).toHaveFocus();
    expect(row('h28')).toHaveAttribute('tabindex', '0');
    expect(row('h29')).toHaveAttribute('tabindex', '-1');

    fireEvent.keyDown(row('h28'), { key: 'PageUp' });
    await settle();
    expect(row('h18')).toHaveFocus();
    fireEvent.keyDown(row('h18'), { key: 'ArrowDown' });
    await settle();
    expect(row('h19')).toHaveFocus();
    fireEvent.keyDown(row('h19'), { key: 'End' });
    await settle();
    expect(row('h29')).toHaveFocus();
    fireEvent.keyDown(row('h29'), { key: 'Home' });
    await settle();
    expect(row('h0')).toHaveFocus();
  });

  it('asks for older history when ↑ is pressed on the first loaded message', async () => {
    const { props, rerender } = await setup({ messages: makeHistory(30), hasMoreOlder: true });
    row('h29').focus();
    fireEvent.keyDown(row('h29'), { key: 'Home' });
    await settle();
    expect(row('h0')).toHaveFocus();
    // The request that reaching the top made has finished (the flag went up and down).
    await rerender({ loadingOlder: true });
    await rerender({ loadingOlder: false });
    (props.onLoadOlder as jest.Mock).mockClear();

    fireEvent.keyDown(row('h0'), { key: 'ArrowUp' });
    await settle();
    expect(props.onLoadOlder).toHaveBeenCalledTimes(1);
    expect(row('h0')).toHaveFocus();
  });

  it('replies with R, edits an own message with E (in any keyboard layout), and ignores E on others', async () => {
    const messages = [
      makeMessage({ id: 'theirs', sender_id: 2, text: 'Вопрос' }),
      makeMessage({ id: 'own', sender_id: ME, text: 'Ответ' }),
    ];
    const { props } = await setup({ messages });

    // A Russian layout types "к" and "у" on those keys: the key's position counts.
    fireEvent.keyDown(row('theirs'), { key: 'к', code: 'KeyR' });
    expect(props.onReply).toHaveBeenCalledWith(messages[0]);
    fireEvent.keyDown(row('theirs'), { key: 'у', code: 'KeyE' });
    expect(props.onEdit).not.toHaveBeenCalled();
    fireEvent.keyDown(row('own'), { key: 'e', code: 'KeyE' });
    expect(props.onEdit).toHaveBeenCalledWith(messages[1]);
    // With a modifier it is someone else's shortcut (Ctrl+R reloads).
    fireEvent.keyDown(row('theirs'), { key: 'r', code: 'KeyR', ctrlKey: true });
    expect(props.onReply).toHaveBeenCalledTimes(1);
  });

  it('asks before deleting with Delete, focuses the confirmation, and Esc returns to the message', async () => {
    const own = makeMessage({ id: 'own', sender_id: ME, text: 'Лишнее' });
    const { props } = await setup({ messages: [makeMessage({ id: 'a' }), own] });
    row('own').focus();

    fireEvent.keyDown(row('own'), { key: 'Delete', code: 'Delete' });
    await settle();
    const group = within(row('own')).getByRole('group', { name: 'Удалить сообщение?' });
    expect(within(group).getByRole('button', { name: 'Удалить' })).toHaveFocus();
    expect(props.onDelete).not.toHaveBeenCalled();

    fireEvent.keyDown(within(group).getByRole('button', { name: 'Удалить' }), { key: 'Escape' });
    await settle();
    expect(within(row('own')).queryByRole('group')).toBeNull();
    expect(row('own')).toHaveFocus();

    fireEvent.keyDown(row('own'), { key: 'Delete', code: 'Delete' });
    await settle();
    fireEvent.click(within(row('own')).getByRole('button', { name: 'Удалить' }));
    expect(props.onDelete).toHaveBeenCalledWith(own);
  });

  it('hands the focus to a neighbour when the focused message is deleted', async () => {
    const messages = makeHistory(4);
    const { rerender } = await setup({ messages });
    row('h3').focus();
    fireEvent.keyDown(row('h3'), { key: 'ArrowUp' });
    await settle();
    expect(row('h2')).toHaveFocus();

    await rerender({ messages: messages.filter((message) => message.id !== 'h2') });
    expect(document.activeElement?.classList.contains('ucr-message')).toBe(true);
  });

  it('names its keyboard use for screen readers', async () => {
    await setup();
    expect(screen.getByRole('feed')).toHaveAccessibleDescription(
      /Стрелки вверх и вниз — переход по сообщениям/,
    );
    expect(within(row('h0')).getByRole('button', { name: 'Ответить' })).toHaveAttribute(
      'aria-keyshortcuts',
      'R',
    );
  });
});

describe('MessageList gaps and focus targets', () => {
  it('shows a gap in the known history as a visible "still loading" row after that message', async () => {
    const messages = makeHistory(4);
    const { rerender } = await setup({ messages, gapAfterId: 'h1' });

    const gap = screen.getByText('Часть сообщений ещё загружается…');
    expect(gap.closest('.ucr-row')?.querySelector('.ucr-message')).toBe(row('h1'));

    await rerender({ gapAfterId: null });
    expect(screen.queryByText('Часть сообщений ещё загружается…')).toBeNull();
  });

  it('scrolls to, highlights and focuses focusMessageId once it is loaded, then reports it done', async () => {
    const onFocusMessageDone = jest.fn();
    const messages = makeHistory(40);
    const { rerender } = await setup({
      messages: messages.slice(20),
      focusMessageId: 'h5',
      onFocusMessageDone,
    });
    // Not loaded yet: nothing happens, it waits.
    expect(onFocusMessageDone).not.toHaveBeenCalled();

    await rerender({ messages });
    expect(onFocusMessageDone).toHaveBeenCalledTimes(1);
    expect(row('h5')).toHaveClass('ucr-message--highlighted');
    expect(row('h5')).toHaveFocus();
    expect(row('h5')).toHaveAttribute('tabindex', '0');
  });
});
