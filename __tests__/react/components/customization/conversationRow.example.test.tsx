/** @jest-environment jsdom */
/** docs/customization.md, "The conversation row". */
// example: conversation-row
import { ChatContainer } from 'unet-chat-redux/react';
import type { ChatSlots, ConversationRowProps } from 'unet-chat-redux/react';

// A compact list: title and preview on one line. The list keeps its <li>, the
// order, the search and the selection; the row only draws one conversation.
function CompactConversation({ title, preview, selected, onSelect }: ConversationRowProps) {
  return (
    <button
      type="button"
      className="compact-conversation"
      aria-current={selected ? 'true' : undefined}
      // detail 0: Enter or Space, so the conversation opens with the focus in its composer.
      onClick={(event) => onSelect({ keyboard: event.detail === 0 })}
    >
      <strong>{title}</strong> — {preview}
    </button>
  );
}

const slots: ChatSlots = { ConversationRow: CompactConversation };

export function CompactChat() {
  return <ChatContainer slots={slots} />;
}
// end example

import { screen } from '@testing-library/react';
import { renderChat } from './renderChat';

it('lists the conversations with the custom row; a click opens one, Enter opens it with the focus in the composer', async () => {
  const { user } = renderChat(<CompactChat />);
  const row = await screen.findByRole('button', {
    name: 'Поступление 2026 — Сообщений пока нет',
  });
  expect(
    screen.getByRole('button', { name: 'Общежитие — Сообщений пока нет' }),
  ).toBeInTheDocument();
  expect(document.querySelectorAll('.ucr-conversation__button')).toHaveLength(0);
  expect(row.closest('li')).toHaveClass('ucr-conversation');

  await user.click(row);
  expect(screen.getByRole('heading', { name: 'Поступление 2026' })).toBeInTheDocument();
  expect(row).toHaveAttribute('aria-current', 'true');
  expect(row.closest('li')).toHaveClass('ucr-conversation--selected');

  screen.getByRole('button', { name: 'Общежитие — Сообщений пока нет' }).focus();
  await user.keyboard('{Enter}');
  expect(screen.getByRole('heading', { name: 'Общежитие' })).toBeInTheDocument();
  expect(screen.getByRole('textbox', { name: 'Сообщение' })).toHaveFocus();
});

it('is searched like the default row', async () => {
  const { user } = renderChat(<CompactChat />);
  await screen.findByRole('button', { name: /^Поступление 2026/ });
  await user.type(screen.getByRole('searchbox'), 'общ');
  expect(screen.queryByRole('button', { name: /^Поступление 2026/ })).toBeNull();
  expect(screen.getByRole('button', { name: /^Общежитие/ })).toBeInTheDocument();
});
