/** @jest-environment jsdom */
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLayoutEffect } from 'react';
import type { ReactNode } from 'react';
import { MessageList } from '../../../src/react/components';
import type { MessageListProps } from '../../../src/react/components';
import type { ChatMessage } from '../../../src/state/model';
import { makeHistory, makeMessage, makeUnsent, usersById } from './fixtures';
import { mockLayout, scrollListTo } from './layout';

const ME = 1;

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = mockLayout();
});
afterEach(() => restoreLayout());

/** `after`: drawn after the list on each render, as its sibling (its effects run after the list's). */
async function setup(
  overrides: Partial<MessageListProps> = {},
  after: () => ReactNode = () => null,
) {
  const messages = overrides.messages ?? [];
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
    onMissingReplyTarget: jest.fn(),
    ...overrides,
  };
  const tree = () => (
    <>
      <MessageList {...props} />
      {after()}
    </>
  );
  const view = render(tree());
  await settle();
  const rerender = async (next: Partial<MessageListProps>) => {
    Object.assign(props, next);
    view.rerender(tree());
    await settle();
  };
  return { ...view, props, rerender, scroller: screen.getByRole('feed') };
}

/** Lets the scroll events queued by the list's own scrolling arrive. */
async function settle() {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

async function scrollTo(scroller: HTMLElement, top: number) {
  act(() => scrollListTo(scroller, top));
  await settle();
}

/** The row's position inside the list, from the transform the virtualizer writes. */
function offsetOf(message: HTMLElement): number {
  const wrapper = message.closest<HTMLElement>('.ucr-row');
  const match = /translate3d\(0(?:px)?, (-?[\d.]+)px/.exec(wrapper?.style.transform ?? '');
  if (!match) throw new Error('row has no position');
  return Number(match[1]);
}

function row(id: string): HTMLElement {
  const element = document.querySelector<HTMLElement>(`.ucr-message[data-message-id="${id}"]`);
  if (!element) throw new Error(`no row for message ${id}`);
  return element;
}

describe('MessageList', () => {
  it('renders markup in a message as literal text and creates no element from it', async () => {
    const attack = '<img src=x onerror=alert(1)>';
    const { container } = await setup({ messages: [makeMessage({ id: 'x', text: attack })] });

    expect(screen.getByText(attack)).toBeInTheDocument();
    expect(container.querySelector('img')).toBeNull();
  });

  it('keeps the line breaks of a message', async () => {
    await setup({ messages: [makeMessage({ id: 'lines', text: 'first line\nsecond line' })] });

    expect(row('lines').querySelector('.ucr-message__text')?.textContent).toBe(
      'first line\nsecond line',
    );
  });

  it('aligns own messages apart from others and shows the sender name only for others', async () => {
    await setup({
      messages: [
        makeMessage({ id: 'theirs', sender_id: 2, text: 'hi' }),
        makeMessage({ id: 'mine', sender_id: ME, text: 'hello' }),
      ],
    });

    expect(row('mine')).toHaveClass('ucr-message--own');
    expect(row('theirs')).toHaveClass('ucr-message--other');
    expect(within(row('theirs')).getByText('Иван Петров')).toBeInTheDocument();
    expect(within(row('mine')).queryByText('Мария Иванова')).toBeNull();
  });

  it('names a sender missing from the directory "User #id"', async () => {
    await setup({ messages: [makeMessage({ id: 'stranger', sender_id: 99 })] });

    expect(within(row('stranger')).getByText('Пользователь #99')).toBeInTheDocument();
  });

  it('offers edit and delete on own messages and only reply on others', async () => {
    await setup({
      messages: [
        makeMessage({ id: 'theirs', sender_id: 2 }),
        makeMessage({ id: 'mine', sender_id: ME }),
      ],
    });

    const theirs = within(row('theirs'));
    expect(theirs.getByRole('button', { name: 'Ответить' })).toBeInTheDocument();
    expect(theirs.queryByRole('button', { name: 'Изменить' })).toBeNull();
    expect(theirs.queryByRole('button', { name: 'Удалить' })).toBeNull();

    const mine = within(row('mine'));
    expect(mine.getByRole('button', { name: 'Изменить' })).toBeInTheDocument();
    expect(mine.getByRole('button', { name: 'Удалить' })).toBeInTheDocument();
  });

  it('calls onReply and onEdit with the message', async () => {
    const user = userEvent.setup();
    const mine = makeMessage({ id: 'mine', sender_id: ME });
    const { props } = await setup({ messages: [mine] });

    await user.click(within(row('mine')).getByRole('button', { name: 'Ответить' }));
    await user.click(within(row('mine')).getByRole('button', { name: 'Изменить' }));

    expect(props.onReply).toHaveBeenCalledWith(mine);
    expect(props.onEdit).toHaveBeenCalledWith(mine);
  });

  it('deletes an own message only after the deletion is confirmed', async () => {
    const user = userEvent.setup();
    const mine = makeMessage({ id: 'mine', sender_id: ME });
    const { props } = await setup({ messages: [mine] });

    await user.click(within(row('mine')).getByRole('button', { name: 'Удалить' }));
    expect(props.onDelete).not.toHaveBeenCalled();
    const confirm = within(row('mine')).getByRole('group', { name: 'Удалить сообщение?' });
    expect(within(confirm).getByRole('button', { name: 'Удалить' })).toHaveFocus();

    await user.click(within(confirm).getByRole('button', { name: 'Удалить' }));
    expect(props.onDelete).toHaveBeenCalledWith(mine);
  });

  it('cancels a deletion with Escape', async () => {
    const user = userEvent.setup();
    const { props } = await setup({ messages: [makeMessage({ id: 'mine', sender_id: ME })] });

    await user.click(within(row('mine')).getByRole('button', { name: 'Удалить' }));
    await user.keyboard('{Escape}');

    expect(within(row('mine')).queryByRole('group')).toBeNull();
    expect(props.onDelete).not.toHaveBeenCalled();
  });

  it('marks an edited message', async () => {
    await setup({ messages: [makeMessage({ id: 'e', is_edited: true })] });

    expect(within(row('e')).getByText('изменено')).toBeInTheDocument();
  });

  it('shows a pending message dimmed with a clock and without actions', async () => {
    await setup({
      messages: [makeUnsent('tmp-1', 'pending')],
    });

    const pending = row('tmp-1');
    expect(pending).toHaveClass('ucr-message--pending');
    expect(within(pending).getByText('Отправляется')).toBeInTheDocument();
    expect(within(pending).queryByRole('button')).toBeNull();
  });

  it('says why a message failed in the UI language (the raw detail only in the tooltip) and retries or discards it', async () => {
    const user = userEvent.setup();
    const failed = makeUnsent('tmp-2', 'failed', {
      error: 'Too many messages, slow down.',
      errorCode: 'rate_limited',
    });
    const { props } = await setup({ messages: [failed] });

    const failedRow = within(row('tmp-2'));
    const reason = failedRow.getByText('Не отправлено: Слишком много запросов — подождите немного');
    expect(reason).toHaveAttribute('title', 'Too many messages, slow down.');
    expect(row('tmp-2')).not.toHaveTextContent('Too many messages');
    await user.click(failedRow.getByRole('button', { name: 'Повторить' }));
    await user.click(failedRow.getByRole('button', { name: 'Не отправлять' }));

    expect(props.onRetry).toHaveBeenCalledWith(failed);
    expect(props.onDiscard).toHaveBeenCalledWith(failed);
  });

  it('a message that failed in another tab says so, and offers no Retry or Discard here', async () => {
    const failed = makeUnsent('tmp-3', 'failed', { errorCode: 'rate_limited', elsewhere: true });
    await setup({ messages: [failed] });
    const failedRow = within(row('tmp-3'));
    expect(
      failedRow.getByText(
        'Не отправлено из другой вкладки: Слишком много запросов — подождите немного. Повторить или отменить можно там',
      ),
    ).toBeInTheDocument();
    expect(failedRow.queryByRole('button', { name: 'Повторить' })).toBeNull();
    expect(failedRow.queryByRole('button', { name: 'Не отправлять' })).toBeNull();
  });

  it('keeps the row of a pending message when the server confirms it with its own id', async () => {
    const pending = makeUnsent('client-7', 'pending');
    const { rerender } = await setup({ messages: [pending] });
    const before = row('client-7');

    await rerender({ messages: [{ ...pending, id: 'server-7', status: 'sent' }] });

    expect(row('server-7')).toBe(before);
  });

  it('quotes the replied-to message and jumps to it, highlighting it', async () => {
    const user = userEvent.setup();
    const original = makeMessage({ id: 'orig', sender_id: 2, text: 'Когда экзамен?' });
    const reply = makeMessage({ id: 'reply', sender_id: ME, text: 'В пятницу', reply_to: 'orig' });
    await setup({ messages: [original, reply] });

    const quote = within(row('reply')).getByRole('button', {
      name: /Перейти к исходному сообщению/,
    });
    expect(quote).toHaveTextContent('Иван Петров');
    expect(quote).toHaveTextContent('Когда экзамен?');

    await user.click(quote);

    expect(row('orig')).toHaveClass('ucr-message--highlighted');
    expect(row('orig')).toHaveFocus();
  });

  it('scrolls a far-away reply target into the DOM before highlighting it', async () => {
    const user = userEvent.setup();
    const history = makeHistory(500);
    const reply = makeMessage({ id: 'reply', sender_id: ME, reply_to: 'h10' });
    await setup({ messages: [...history, reply] });
    expect(document.querySelector('[data-message-id="h10"]')).toBeNull();

    await user.click(
      within(row('reply')).getByRole('button', { name: /Перейти к исходному сообщению/ }),
    );
    await settle();

    expect(row('h10')).toHaveClass('ucr-message--highlighted');
  });

  it('asks the host for a reply target that is not loaded', async () => {
    const user = userEvent.setup();
    const reply = makeMessage({ id: 'reply', reply_to: 'far-away' });
    const { props } = await setup({ messages: [reply] });

    const quote = within(row('reply')).getByRole('button', {
      name: /Перейти к исходному сообщению/,
    });
    expect(quote).toHaveTextContent('Исходное сообщение не загружено');
    quote.focus();
    await user.keyboard('{Enter}');

    expect(props.onMissingReplyTarget).toHaveBeenCalledWith('far-away');
  });

  it('keeps fewer than 200 rows in the DOM for 10,000 messages and opens at the newest', async () => {
    const messages = makeHistory(10_000);
    await setup({ messages });

    const rows = document.querySelectorAll('.ucr-message');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(200);
    expect(row('h9999')).toBeInTheDocument();
    expect(document.querySelector('[data-message-id="h0"]')).toBeNull();
  });

  it('asks for older messages when the reader reaches the top', async () => {
    const { props, scroller } = await setup({ messages: makeHistory(100), hasMoreOlder: true });
    expect(props.onLoadOlder).not.toHaveBeenCalled();

    await scrollTo(scroller, 0);

    expect(props.onLoadOlder).toHaveBeenCalledTimes(1);
  });

  it('does not ask for older messages while a page is loading or when there are none', async () => {
    const loading = await setup({
      messages: makeHistory(100),
      hasMoreOlder: true,
      loadingOlder: true,
    });
    await scrollTo(loading.scroller, 0);
    expect(loading.props.onLoadOlder).not.toHaveBeenCalled();
    loading.unmount();

    const complete = await setup({ messages: makeHistory(100), hasMoreOlder: false });
    await scrollTo(complete.scroller, 0);
    expect(complete.props.onLoadOlder).not.toHaveBeenCalled();
    expect(screen.getByText('Начало беседы')).toBeInTheDocument();
  });

  it('asks for the next older page when the reader is at the top as soon as a page is drawn, before any passive effect', async () => {
    // The browser may handle a scroll event between React's commit and its passive effects
    // (a rendering step comes first). A sibling's layout effect scrolls to the top inside
    // that commit: the page just drawn must already allow the next request.
    const history = makeHistory(300);
    let scrollOnCommit = false;
    let requestsInCommit = -1;
    function ScrollToTopOnCommit() {
      useLayoutEffect(() => {
        if (!scrollOnCommit) return;
        scrollOnCommit = false;
        scrollListTo(screen.getByRole('feed'), 0);
        requestsInCommit = (props.onLoadOlder as jest.Mock).mock.calls.length;
      });
      return null;
    }
    const { props, rerender, scroller } = await setup(
      { messages: history.slice(200), hasMoreOlder: true },
      () => <ScrollToTopOnCommit />,
    );
    await scrollTo(scroller, 0);
    expect(props.onLoadOlder).toHaveBeenCalledTimes(1);

    // The page lands before the list ever drew the loading state (React batched both).
    // A scroll event inside a commit happens only in this simulation: the virtualizer's own
    // listener then asks React for a synchronous render, which React declines with a warning.
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    scrollOnCommit = true;
    await rerender({ messages: history.slice(100) });
    const warnings = errors.mock.calls.map(([message]) => String(message));
    errors.mockRestore();

    expect(requestsInCommit).toBe(2);
    expect(warnings.filter((message) => !message.startsWith('flushSync was called'))).toEqual([]);
  });

  it('offers a button that loads older messages, for keyboard users', async () => {
    const user = userEvent.setup();
    const { props, scroller } = await setup({ messages: makeHistory(100), hasMoreOlder: true });

    await scrollTo(scroller, 2000);
    await user.click(screen.getByRole('button', { name: 'Показать более ранние сообщения' }));

    expect(props.onLoadOlder).toHaveBeenCalledTimes(1);
  });

  it('keeps the reader on the same message when older messages are prepended', async () => {
    const history = makeHistory(300);
    const { rerender, scroller } = await setup({
      messages: history.slice(200),
      hasMoreOlder: true,
    });
    await scrollTo(scroller, 1200);
    const onScreen = (id: string) => offsetOf(row(id)) - scroller.scrollTop;
    const readerSees = screen.getByText('History 225');
    const placeBefore = onScreen('h225');

    await rerender({ messages: history.slice(100) });

    expect(scroller.scrollTop).toBeGreaterThan(1200);
    expect(screen.getByText('History 225')).toBe(readerSees);
    expect(onScreen('h225')).toBe(placeBefore);
  });

  it('follows new messages when the reader is at the bottom', async () => {
    const history = makeHistory(100);
    const { rerender, scroller } = await setup({ messages: history });
    const incoming = makeMessage({ id: 'new', sender_id: 2, created_ms: Date.UTC(2030, 0, 1) });

    await rerender({ messages: [...history, incoming] });

    expect(row('new')).toBeInTheDocument();
    expect(scroller.scrollHeight - scroller.clientHeight - scroller.scrollTop).toBeLessThan(1);
    expect(screen.queryByRole('button', { name: /нов/ })).toBeNull();
  });

  it('shows a "new messages" button with a count when the reader is reading history', async () => {
    const user = userEvent.setup();
    const history = makeHistory(100);
    const { rerender, scroller } = await setup({ messages: history });
    await scrollTo(scroller, 1000);

    await rerender({
      messages: [
        ...history,
        makeMessage({ id: 'n1', sender_id: 2, created_ms: Date.UTC(2030, 0, 1) }),
        makeMessage({ id: 'n2', sender_id: 3, created_ms: Date.UTC(2030, 0, 2) }),
      ],
    });

    const button = screen.getByRole('button', { name: '2 новых сообщения' });
    expect(scroller.scrollTop).toBe(1000);

    await user.click(button);

    expect(screen.queryByRole('button', { name: /новых сообщени/ })).toBeNull();
    expect(scroller.scrollTop).toBeGreaterThan(1000);
  });

  it('announces a new message from someone else politely', async () => {
    const history = makeHistory(5);
    const { rerender, container } = await setup({ messages: history });
    const live = container.querySelector('[aria-live="polite"]');
    expect(live).toHaveTextContent('');

    await rerender({
      messages: [
        ...history,
        makeMessage({ id: 'n', sender_id: 3, text: 'Привет!', created_ms: Date.UTC(2030, 0, 1) }),
      ],
    });

    expect(live).toHaveTextContent('Новое сообщение от Анна Смирнова: Привет!');
  });

  it('does not announce the reader’s own messages or prepended history', async () => {
    const history = makeHistory(50);
    const { rerender, container } = await setup({ messages: history.slice(25) });
    const live = container.querySelector('[aria-live="polite"]');

    await rerender({ messages: history });
    const own: ChatMessage = makeMessage({
      id: 'own',
      sender_id: ME,
      created_ms: Date.UTC(2030, 0, 1),
    });
    await rerender({ messages: [...history, own] });

    expect(live).toHaveTextContent('');
  });

  it('names the sender above others\u2019 messages unless told not to (private conversations)', async () => {
    const messages = [
      makeMessage({ id: 'n1', sender_id: 2 }),
      makeMessage({ id: 'n2', sender_id: 3 }),
    ];
    const { container, rerender } = await setup({ messages });
    expect(container.querySelectorAll('.ucr-message__sender')).toHaveLength(2);
    await rerender({ showSenderNames: false });
    expect(container.querySelectorAll('.ucr-message__sender')).toHaveLength(0);
    expect(row('n2')).toBeInTheDocument();
  });

  it('shows an empty state without messages', async () => {
    await setup({ messages: [] });

    expect(screen.getByText('Сообщений пока нет. Напишите первым!')).toBeInTheDocument();
  });
});
