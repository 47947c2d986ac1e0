/** @jest-environment jsdom */
/** docs/customization.md, "The empty states". */
// example: empty-states
import { ChatContainer, EmptyList } from 'unet-chat-redux/react';
import type { ChatSlots, EmptyConversationProps, EmptyListProps } from 'unet-chat-redux/react';

// No conversations yet: a button instead of a hint. A search that matches
// nothing keeps the package's words.
function NoConversationsYet(props: EmptyListProps) {
  if (props.query !== '') return <EmptyList {...props} />;
  return (
    <div className="ucr-empty">
      <p className="ucr-empty__title">Вопросов пока нет</p>
      <button type="button" className="ucr-button" onClick={props.onNewConversation}>
        Задать вопрос приёмной комиссии
      </button>
    </div>
  );
}

// An open conversation without messages.
function SayHello({ title }: EmptyConversationProps) {
  return <p className="ucr-message-list__empty">Напишите первым: «{title}» ждёт вопросов</p>;
}

// The main pane before a conversation is chosen.
function PickOne() {
  return (
    <div className="ucr-placeholder" role="note">
      <p className="ucr-placeholder__title">Выберите вопрос слева</p>
    </div>
  );
}

const slots: ChatSlots = {
  EmptyList: NoConversationsYet,
  EmptyConversation: SayHello,
  NoConversationSelected: PickOne,
};

export function AdmissionsChat() {
  return <ChatContainer slots={slots} />;
}
// end example

import { render, screen } from '@testing-library/react';
import { fakeConversation } from 'unet-chat-redux/testing';
import { renderChat, SEED } from './renderChat';

it('shows the custom empty list, whose button opens the new-conversation form', async () => {
  const { user } = renderChat(<AdmissionsChat />, { ...SEED, conversations: [], messages: [] });
  expect(await screen.findByText('Вопросов пока нет')).toBeInTheDocument();
  expect(screen.getByText('Выберите вопрос слева')).toBeInTheDocument();
  await user.click(screen.getByRole('button', { name: 'Задать вопрос приёмной комиссии' }));
  expect(screen.getByRole('button', { name: 'Новая беседа' })).toHaveAttribute(
    'aria-expanded',
    'true',
  );
});

it('keeps the package’s words for a search that matches nothing', () => {
  // ChatContainer lists found messages under a search; a ChatSelect without message search shows this.
  render(<NoConversationsYet query="стипендия" onNewConversation={jest.fn()} />);
  expect(screen.getByRole('status')).toHaveTextContent('По запросу «стипендия» ничего не найдено');
});

it('shows the custom empty conversation with its title once its history is known to be empty', async () => {
  const { user, openSocket } = renderChat(<AdmissionsChat />, {
    ...SEED,
    conversations: [fakeConversation(1, { title: 'Общежитие' })],
    messages: [],
  });
  await user.click(await screen.findByRole('button', { name: /^Общежитие/ }));
  await openSocket(1);
  expect(await screen.findByText('Напишите первым: «Общежитие» ждёт вопросов')).toBeInTheDocument();
  expect(screen.queryByText('Сообщений пока нет. Напишите первым!')).toBeNull();
});
