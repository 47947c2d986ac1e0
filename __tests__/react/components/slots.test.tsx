/** @jest-environment jsdom */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  ChatMessagesView,
  ChatSelect,
  ConversationRow,
  EmptyConversation,
  EmptyList,
  MessageComposer,
  MessageList,
  MessageRow,
  NoConversationSelected,
} from '../../../src/react/components';
import type {
  ChatMessagesViewProps,
  MessageComposerProps,
  MessageListProps,
  MessageRowProps,
} from '../../../src/react/components';
import * as entry from '../../../src/react';
import { makeConversation, makeHistory, usersById } from './fixtures';
import { mockLayout } from './layout';

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = mockLayout();
});
afterEach(() => restoreLayout());

const noop = () => {};

function viewProps(overrides: Partial<ChatMessagesViewProps> = {}): ChatMessagesViewProps {
  const messages = overrides.messages ?? makeHistory(3);
  return {
    conversation: makeConversation(),
    messages,
    currentUserId: 1,
    users: usersById,
    resolveMessage: (id) => messages.find((message) => message.id === id),
    hasMoreOlder: false,
    loadingOlder: false,
    onLoadOlder: noop,
    connectionStatus: 'open',
    onReconnect: noop,
    onSend: jest.fn(),
    onEdit: noop,
    onDelete: noop,
    onRetry: noop,
    onDiscard: noop,
    ...overrides,
  };
}

describe('slots', () => {
  it('exports the defaults from the React entry, so a replacement can wrap them', () => {
    expect(entry.MessageRow).toBe(MessageRow);
    expect(entry.ConversationRow).toBe(ConversationRow);
    expect(entry.EmptyConversation).toBe(EmptyConversation);
    expect(entry.EmptyList).toBe(EmptyList);
    expect(entry.NoConversationSelected).toBe(NoConversationSelected);
    expect(entry.MessageComposer).toBe(MessageComposer);
    expect(typeof entry.messageArticleProps).toBe('function');
    expect(typeof entry.ConnectionIndicator).toBe('function');
  });

  it('MessageList renders slots.MessageRow with the default row’s props, and `empty` when there are none', () => {
    const seen: MessageRowProps[] = [];
    function Spy(props: MessageRowProps) {
      seen.push(props);
      return <article {...entry.messageArticleProps(props)}>{props.message.text}</article>;
    }
    const messages = makeHistory(3);
    const props: MessageListProps = {
      messages,
      currentUserId: 1,
      users: usersById,
      resolveMessage: () => undefined,
      hasMoreOlder: false,
      loadingOlder: false,
      onLoadOlder: noop,
      onReply: noop,
      onEdit: noop,
      onDelete: noop,
      onRetry: noop,
      onDiscard: noop,
      slots: { MessageRow: Spy },
    };
    const { rerender } = render(<MessageList {...props} />);
    expect(screen.getAllByRole('article').map((row) => row.textContent)).toEqual([
      'History 0',
      'History 1',
      'History 2',
    ]);
    const last = seen.filter((p) => p.message.id === 'h2').at(-1)!;
    expect(last).toMatchObject({ own: true, tabStop: true, posInSet: 3, setSize: 3 });
    expect(typeof last.actions.reply).toBe('function');

    rerender(<MessageList {...props} messages={[]} empty={<p>Тут пусто</p>} />);
    expect(screen.getByText('Тут пусто')).toBeInTheDocument();
    expect(screen.queryByText('Сообщений пока нет. Напишите первым!')).toBeNull();
  });

  it('ChatMessagesView renders slots.Composer with the default composer’s props', async () => {
    const seen: MessageComposerProps[] = [];
    function Spy(props: MessageComposerProps) {
      seen.push(props);
      return <MessageComposer {...props} placeholder="Свой композер" />;
    }
    const props = viewProps({ slots: { Composer: Spy }, draft: 'черновик', onDraftChange: noop });
    render(<ChatMessagesView {...props} />);
    expect(screen.getByPlaceholderText('Свой композер')).toHaveValue('черновик');
    expect(seen.at(-1)).toMatchObject({ draft: 'черновик', disabled: false });
    await userEvent.setup().type(screen.getByPlaceholderText('Свой композер'), '{Enter}');
    expect(props.onSend).toHaveBeenCalledWith('черновик', null);
  });

  it('ChatMessagesView renders slots.EmptyConversation with the title, and slots.NoConversationSelected', () => {
    const { rerender } = render(
      <ChatMessagesView
        {...viewProps({
          messages: [],
          conversation: makeConversation({ title: 'Деканат' }),
          slots: { EmptyConversation: ({ title }) => <p>Пусто в «{title}»</p> },
        })}
      />,
    );
    expect(screen.getByText('Пусто в «Деканат»')).toBeInTheDocument();

    rerender(
      <ChatMessagesView
        {...viewProps({
          conversation: undefined,
          slots: { NoConversationSelected: () => <p>Ничего не выбрано</p> },
        })}
      />,
    );
    expect(screen.getByText('Ничего не выбрано')).toBeInTheDocument();
  });

  it('ChatSelect renders slots.ConversationRow inside its <li> and slots.EmptyList', () => {
    const { rerender } = render(
      <ChatSelect
        conversations={[makeConversation({ title: 'Деканат' })]}
        loading={false}
        selectedChatId="c1"
        onSelectChat={noop}
        onCreateConversation={async () => null}
        slots={{
          ConversationRow: ({ title, preview, selected }) => (
            <span data-selected={selected}>
              {title}: {preview}
            </span>
          ),
          EmptyList: ({ query }) => <p>Пустой список «{query}»</p>,
        }}
      />,
    );
    const row = screen.getByText('Деканат: Сообщений пока нет');
    expect(row).toHaveAttribute('data-selected', 'true');
    expect(row.closest('li')).toHaveClass('ucr-conversation', 'ucr-conversation--selected');

    rerender(
      <ChatSelect
        conversations={[]}
        loading={false}
        selectedChatId={null}
        onSelectChat={noop}
        onCreateConversation={async () => null}
        slots={{ EmptyList: ({ query }) => <p>Пустой список «{query}»</p> }}
      />,
    );
    expect(screen.getByText('Пустой список «»')).toBeInTheDocument();
  });
});
