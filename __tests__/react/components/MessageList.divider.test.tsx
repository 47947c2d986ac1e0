/** @jest-environment jsdom */
import { act, render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { ChatLocaleProvider } from '../../../src/react/i18n';
import { enLocale } from '../../../src/react/i18n/locales/en';
import { MessageList } from '../../../src/react/components';
import type { MessageListProps } from '../../../src/react/components';
import type { ChatMessage } from '../../../src/state/model';
import { makeHistory, makeMessage, messageListProps } from './fixtures';
import { mockLayout } from './layout';

/**
 * Opening a conversation with unread messages: the list opens at the "new
 * messages" divider instead of the bottom, and says how many are new once, in
 * a polite live region. A divider that appears later (a message arrived while
 * the conversation is open) moves nothing.
 */

const ME = 1;
const ROW = 60;
const VIEWPORT = 600;
const TOP_AREA = 48;

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = mockLayout({ viewportHeight: VIEWPORT, rowHeight: ROW });
});
afterEach(() => restoreLayout());

async function settle() {
  for (let round = 0; round < 3; round++) {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  }
}

function setup(
  overrides: Partial<MessageListProps>,
  wrap: (list: ReactElement) => ReactElement = (list) => list,
) {
  const props = messageListProps({ currentUserId: ME, ...overrides });
  const view = render(wrap(<MessageList {...props} />));
  return {
    props,
    update: async (next: Partial<MessageListProps>) => {
      Object.assign(props, next);
      view.rerender(wrap(<MessageList {...props} />));
      await settle();
    },
  };
}

function scroller(): HTMLElement {
  return document.querySelector('.ucr-message-list__scroller') as HTMLElement;
}

function liveRegion(): HTMLElement {
  return document.querySelector('.ucr-message-list [aria-live="polite"]') as HTMLElement;
}

/** 20 read messages (alternating senders), then 15 unread from user 2. */
function history(): ChatMessage[] {
  const read = makeHistory(20);
  const last = read.at(-1) as ChatMessage;
  const unread = Array.from({ length: 15 }, (_, index) =>
    makeMessage({
      id: `u${index}`,
      sender_id: 2,
      created_ms: last.created_ms + (index + 1) * 1000,
    }),
  );
  return [...read, ...unread];
}

/** A message from user 2, "Ещё одно", a second after the last of `messages`. */
function oneMore(messages: ChatMessage[]): ChatMessage {
  return makeMessage({
    id: 'later',
    sender_id: 2,
    text: 'Ещё одно',
    created_ms: (messages.at(-1) as ChatMessage).created_ms + 1000,
  });
}

/**
 * Whether the divider is in view: it is drawn at the bottom of the row of the
 * last message read, placed where the list's virtualizer put that row.
 */
function dividerInView(): boolean {
  const row = document.querySelector<HTMLElement>('.ucr-row:has(.ucr-divider)');
  if (!row) return false;
  const start = Number(/translate3d\(0(?:px)?, (-?[\d.]+)px/.exec(row.style.transform)?.[1]);
  const end = start + ROW;
  const top = scroller().scrollTop;
  return end - 32 >= top && end <= top + VIEWPORT;
}

describe('MessageList opening at the "new messages" divider', () => {
  it('scrolls the divider into view, not the bottom, and announces the count once (Russian)', async () => {
    const messages = history();
    const list = setup({ messages, dividerAfterId: 'h19' });
    await settle();

    const top = scroller().scrollTop;
    const bottom = TOP_AREA + messages.length * ROW + 12 - VIEWPORT;
    expect(top).toBeLessThan(bottom);
    expect(dividerInView()).toBe(true);
    expect(document.querySelector('.ucr-divider')).not.toBeNull();
    expect(liveRegion()).toHaveTextContent('15 новых сообщений, показаны с первого непрочитанного');

    // A new message later: announced as itself; the view does not jump back to the divider.
    const incoming = oneMore(messages);
    await list.update({ messages: [...messages, incoming] });
    expect(scroller().scrollTop).toBe(top);
    expect(liveRegion()).toHaveTextContent('Новое сообщение от Иван Петров: Ещё одно');
  });

  it('says it in English with the English strings', async () => {
    setup({ messages: history(), dividerAfterId: 'h19' }, (list) => (
      <ChatLocaleProvider locale={enLocale}>{list}</ChatLocaleProvider>
    ));
    await settle();
    expect(liveRegion()).toHaveTextContent('15 new messages, shown from the first unread');
  });

  it('counts only messages from others after the divider', async () => {
    const messages = history().map((message, index) =>
      index >= 30 ? { ...message, sender_id: ME } : message,
    );
    setup({ messages, dividerAfterId: 'h19' });
    await settle();
    expect(liveRegion()).toHaveTextContent(/^10 новых сообщений/);
  });

  it('the messages arrive after the list is shown: it still opens at the divider', async () => {
    const list = setup({ messages: [], dividerAfterId: null });
    await settle();
    await list.update({ messages: history(), dividerAfterId: 'h19' });
    expect(dividerInView()).toBe(true);
    expect(liveRegion()).toHaveTextContent(/^15 новых сообщений/);
  });

  it('opened before it caught up: the unread messages the catch-up brings open it at the divider', async () => {
    // A conversation shown from the store while its socket catches up on what it missed.
    const read = makeHistory(20);
    const list = setup({ messages: read, dividerAfterId: null, caughtUp: false });
    await settle();
    expect(dividerInView()).toBe(false);

    await list.update({ messages: history(), dividerAfterId: 'h19', caughtUp: true });
    expect(dividerInView()).toBe(true);
    expect(liveRegion()).toHaveTextContent(/^15 новых сообщений/);

    // Once caught up, a message that arrives is live again: it moves nothing.
    const top = scroller().scrollTop;
    const incoming = oneMore(history());
    await list.update({ messages: [...history(), incoming] });
    expect(scroller().scrollTop).toBe(top);
  });

  it('a divider known only after the messages showed: the count, then the next message as itself', async () => {
    // The read cursor came after the list showed the messages (a list of conversations loaded late).
    const messages = history();
    const list = setup({ messages, dividerAfterId: null });
    await settle();
    await list.update({ dividerAfterId: 'h19' });
    expect(dividerInView()).toBe(true);
    expect(liveRegion()).toHaveTextContent(/^15 новых сообщений/);

    const incoming = oneMore(messages);
    await list.update({ messages: [...messages, incoming] });
    expect(liveRegion()).toHaveTextContent('Новое сообщение от Иван Петров: Ещё одно');
  });

  it('a reader who scrolled up while the catch-up came is not moved to the divider', async () => {
    const read = makeHistory(20);
    const list = setup({ messages: read, dividerAfterId: null, caughtUp: false });
    await settle();
    await act(async () => {
      scroller().scrollTop = 100;
      scroller().dispatchEvent(new Event('scroll'));
    });
    await settle();
    await list.update({ messages: history(), dividerAfterId: 'h19', caughtUp: true });
    expect(scroller().scrollTop).toBe(100);
    expect(liveRegion()).not.toHaveTextContent(/новых сообщений/);
  });

  it('a divider that appears while the conversation is open moves nothing and announces no count', async () => {
    const read = makeHistory(20);
    const list = setup({ messages: read, dividerAfterId: null });
    await settle();
    const atBottom = scroller().scrollTop;
    expect(atBottom).toBe(TOP_AREA + 20 * ROW + 12 - VIEWPORT);

    const incoming = makeMessage({
      id: 'live',
      sender_id: 2,
      text: 'Привет',
      created_ms: (read.at(-1) as ChatMessage).created_ms + 1000,
    });
    await list.update({ messages: [...read, incoming], dividerAfterId: 'h19' });
    expect(scroller().scrollTop).toBeGreaterThanOrEqual(atBottom);
    expect(liveRegion()).toHaveTextContent('Новое сообщение от Иван Петров: Привет');
  });
});
