/** @jest-environment jsdom */
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { toast } from 'sonner';
import { ChatContainer } from 'unet-chat-redux/react';
import type { ChatContainerProps } from 'unet-chat-redux/react';
import { mockLayout } from '../components/layout';
import { CONVERSATION, createHarness, historyMessage, OTHER_CONVERSATION } from '../hooks/harness';

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = mockLayout();
});
afterEach(() => {
  act(() => {
    toast.dismiss();
  });
  restoreLayout();
});

const history = [
  historyMessage(1, { text: 'Документы принимают до пятницы' }),
  historyMessage(2, { conversation_id: OTHER_CONVERSATION, text: 'Книга вернулась в библиотеку' }),
];

async function setup(props: ChatContainerProps = {}) {
  const harness = createHarness({ messages: history });
  const user = userEvent.setup();
  const view = render(
    <harness.Wrapper>
      <ChatContainer {...props} />
    </harness.Wrapper>,
  );
  await screen.findByRole('button', { name: /^Приёмная комиссия/ });
  return { harness, user, view };
}

const heading = () => document.querySelector('.ucr-header__title')?.textContent ?? null;

describe('ChatContainer with a host-controlled selection', () => {
  it('opens what selectedConversationId says and only reports clicks, so a router owns the choice', async () => {
    const onSelectConversation = jest.fn();
    const { user, harness, view } = await setup({
      selectedConversationId: OTHER_CONVERSATION,
      onSelectConversation,
    });
    expect(heading()).toBe('Библиотека');

    await user.click(screen.getByRole('button', { name: /^Приёмная комиссия/ }));
    expect(onSelectConversation).toHaveBeenCalledWith(CONVERSATION);
    // Controlled: nothing changes until the host passes the new id.
    expect(heading()).toBe('Библиотека');

    view.rerender(
      <harness.Wrapper>
        <ChatContainer
          selectedConversationId={CONVERSATION}
          onSelectConversation={onSelectConversation}
        />
      </harness.Wrapper>,
    );
    expect(heading()).toBe('Приёмная комиссия');
    view.rerender(
      <harness.Wrapper>
        <ChatContainer selectedConversationId={null} onSelectConversation={onSelectConversation} />
      </harness.Wrapper>,
    );
    expect(screen.getByText('Выберите беседу')).toBeInTheDocument();
  });

  it('works with a host that keeps the id in its own state, back button included', async () => {
    const seen: Array<string | null> = [];
    function Host() {
      const [id, setId] = useState<string | null>(null);
      return (
        <ChatContainer
          selectedConversationId={id}
          onSelectConversation={(next) => {
            seen.push(next);
            setId(next);
          }}
        />
      );
    }
    const harness = createHarness({ messages: history });
    const user = userEvent.setup();
    render(
      <harness.Wrapper>
        <Host />
      </harness.Wrapper>,
    );
    await user.click(await screen.findByRole('button', { name: /^Библиотека/ }));
    expect(heading()).toBe('Библиотека');
    await user.click(screen.getByRole('button', { name: 'Назад к списку бесед' }));
    expect(seen).toEqual([OTHER_CONVERSATION, null]);
  });

  it('puts the focus in the composer when a conversation is opened with Enter, not with a click', async () => {
    const { user } = await setup();
    await user.click(screen.getByRole('button', { name: /^Библиотека/ }));
    expect(screen.getByRole('textbox', { name: 'Сообщение' })).not.toHaveFocus();

    screen.getByRole('button', { name: /^Приёмная комиссия/ }).focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Сообщение' })).toHaveFocus());
  });

  it('searches the loaded messages against a server without search, says so, and opens a result at its message', async () => {
    const onOpenMessage = jest.fn();
    const { user, harness } = await setup({ onOpenMessage });
    await user.click(screen.getByRole('button', { name: /^Библиотека/ }));
    harness.acceptSocket(OTHER_CONVERSATION);
    await screen.findByText('Книга вернулась в библиотеку');
    await user.click(screen.getByRole('button', { name: 'Назад к списку бесед' }));

    await user.type(screen.getByRole('searchbox'), 'книга');
    const results = await screen.findByRole('region', { name: 'Сообщения' });
    await within(results).findByText(/показаны совпадения только среди загруженных/);
    const hit = await within(results).findByRole('button', { name: /Книга вернулась/ });
    await user.click(hit);

    expect(onOpenMessage).toHaveBeenCalledWith(OTHER_CONVERSATION, history[1]!.id);
    expect(heading()).toBe('Библиотека');
    await waitFor(() =>
      expect(
        document.querySelector(`.ucr-message[data-message-id="${history[1]!.id}"]`),
      ).toHaveClass('ucr-message--highlighted'),
    );
  });
});
