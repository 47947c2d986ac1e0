/** @jest-environment jsdom */
/** docs/customization.md, "A row of your own markup": messageArticleProps keeps the keyboard. */
// example: message-row-own
import { memo } from 'react';
import { ChatContainer, messageArticleProps } from 'unet-chat-redux/react';
import type { ChatSlots, MessageRowProps } from 'unet-chat-redux/react';

// One line per message, like a log. The list still measures, virtualizes and
// navigates it: the root carries messageArticleProps (the tab stop, the feed's
// position and data-message-id), and the controls follow the row's tab stop.
const LogRow = memo(function LogRow(props: MessageRowProps) {
  const { message, own, highlighted, tabStop, actions } = props;
  return (
    <article
      {...messageArticleProps(props)}
      className={highlighted ? 'log-row log-row--highlighted' : 'log-row'}
    >
      <b>{own ? 'Вы' : `#${message.sender_id}`}</b> {message.text}
      {message.status === 'failed' && (
        <button type="button" tabIndex={tabStop ? 0 : -1} onClick={() => actions.retry(message)}>
          Повторить
        </button>
      )}
    </article>
  );
});

const slots: ChatSlots = { MessageRow: LogRow };

export function LogChat() {
  return <ChatContainer slots={slots} />;
}
// end example

import { act, screen } from '@testing-library/react';
import { renderChat } from './renderChat';

it('renders only the custom rows, and the list keeps one tab stop with ↑/↓, Home/End and R', async () => {
  const { user, openSocket } = renderChat(<LogChat />);
  await user.click(await screen.findByRole('button', { name: /^Поступление 2026/ }));
  await openSocket(1);
  await screen.findByText('Спасибо!');

  expect(document.querySelectorAll('.ucr-message')).toHaveLength(0);
  const rows = Array.from(document.querySelectorAll<HTMLElement>('.log-row'));
  expect(rows.map((row) => row.textContent)).toEqual([
    '#2 Какие документы нужны?',
    'Вы Паспорт и аттестат',
    '#2 Спасибо!',
  ]);
  // One tab stop: the newest row.
  expect(rows.map((row) => row.tabIndex)).toEqual([-1, -1, 0]);
  expect(rows[2]).toHaveAttribute('aria-posinset', '3');
  expect(rows[2]).toHaveAttribute('aria-setsize', '3');

  act(() => rows[2]!.focus());
  await user.keyboard('{ArrowUp}');
  expect(document.activeElement).toBe(rows[1]);
  expect(rows[1]!.tabIndex).toBe(0);
  expect(rows[2]!.tabIndex).toBe(-1);
  await user.keyboard('{Home}');
  expect(document.activeElement).toBe(rows[0]);
  await user.keyboard('{End}');
  expect(document.activeElement).toBe(rows[2]);
  // R replies to the focused message: the composer shows the reply bar.
  await user.keyboard('r');
  expect(document.querySelector('.ucr-composer[data-mode="reply"]')).toHaveTextContent('Спасибо!');
});
