/** @jest-environment jsdom */
/** docs/customization.md, "The composer". */
// example: composer
import { ChatContainer, MessageComposer } from 'unet-chat-redux/react';
import type { ChatSlots, MessageComposerProps } from 'unet-chat-redux/react';

const QUICK_REPLIES = ['Документы приняты', 'Ждём вас завтра в 10:00'];

// Quick replies above the package's composer, which keeps the draft, the
// reply and edit bars, the length limit and the keyboard.
function ComposerWithQuickReplies(props: MessageComposerProps) {
  return (
    <div className="quick-composer">
      {!props.editing && !props.disabled && (
        <div className="quick-replies" role="group" aria-label="Быстрые ответы">
          {QUICK_REPLIES.map((text) => (
            <button
              key={text}
              type="button"
              className="ucr-button ucr-button--small ucr-button--ghost"
              onClick={() => props.onSend(text)}
            >
              {text}
            </button>
          ))}
        </div>
      )}
      <MessageComposer {...props} />
    </div>
  );
}

const slots: ChatSlots = { Composer: ComposerWithQuickReplies };

export function OfficeChat() {
  return <ChatContainer slots={slots} />;
}
// end example

import { screen, within } from '@testing-library/react';
import { selectDraft } from 'unet-chat-redux';
import { fakeConversationId } from 'unet-chat-redux/testing';
import { renderChat } from './renderChat';

it('sends a quick reply (as an answer to the quoted message) and keeps the draft and the composer', async () => {
  const { user, openSocket, test, store } = renderChat(<OfficeChat />);
  await user.click(await screen.findByRole('button', { name: /^Поступление 2026/ }));
  await openSocket(1);
  const question = (await screen.findByText('Какие документы нужны?')).closest('article')!;

  // A draft typed meanwhile stays where it is.
  await user.type(screen.getByRole('textbox', { name: 'Сообщение' }), 'черновик');
  await user.click(within(question).getByRole('button', { name: 'Ответить' }));
  const quick = screen.getByRole('group', { name: 'Быстрые ответы' });
  await user.click(within(quick).getByRole('button', { name: 'Документы приняты' }));

  expect(test.socketOf(fakeConversationId(1))!.sentFrames()).toContainEqual({
    type: 'message:send',
    payload: expect.objectContaining({
      text: 'Документы приняты',
      reply_to: question.dataset.messageId,
    }),
  });
  expect(screen.getByRole('textbox', { name: 'Сообщение' })).toHaveValue('черновик');
  expect(selectDraft(store.getState(), fakeConversationId(1))).toBe('черновик');
  expect(document.querySelector('.ucr-composer[data-mode="new"]')).not.toBeNull();
});
