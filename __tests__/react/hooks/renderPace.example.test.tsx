/** @jest-environment jsdom */
/** docs/react.md, "Render interval": the example as printed, run against the harness. */
import { makeSelectMessages, submitMessage } from 'unet-chat-redux';
import { useChatDispatch, usePacedChatSelector, useRenderPacer } from 'unet-chat-redux/react';
import { useMemo } from 'react';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CONVERSATION, createHarness } from './harness';

function Ticker({ conversationId }: { conversationId: string }) {
  const selectMessages = useMemo(() => makeSelectMessages(), []);
  const messages = usePacedChatSelector((state) => selectMessages(state, conversationId));
  const pacer = useRenderPacer();
  const dispatch = useChatDispatch();
  const wave = () => {
    dispatch(submitMessage({ conversationId, text: '👋' }));
    pacer.flush(); // one's own message shows at once
  };
  return (
    <button onClick={wave}>
      {messages.length} messages, the last: {messages.at(-1)?.text}
    </button>
  );
}

describe('docs/react.md: the Ticker', () => {
  it('shows the store’s messages, paced, and one’s own at once', async () => {
    const harness = createHarness({ messages: [] });
    const user = userEvent.setup();
    render(
      <harness.Wrapper>
        <Ticker conversationId={CONVERSATION} />
      </harness.Wrapper>,
    );
    for (const text of ['Первое', 'Второе', 'Третье'])
      act(() => {
        harness.store.dispatch(submitMessage({ conversationId: CONVERSATION, text }));
      });
    expect(
      await screen.findByRole('button', { name: /3 messages, the last: Третье/ }),
    ).toBeVisible();

    await user.click(screen.getByRole('button'));

    expect(screen.getByRole('button')).toHaveTextContent('4 messages, the last: 👋');
  });
});
