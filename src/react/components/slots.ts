import type { ComponentType } from 'react';
import type { ConversationRowProps } from './ConversationRow';
import type { EmptyConversationProps, EmptyListProps } from './EmptyStates';
import type { MessageComposerProps } from './MessageComposer';
import type { MessageRowProps } from './MessageRow';

/**
 * The parts of the chat a host may replace with its own components (after
 * MUI's `slots` and react-select's `components`). Every slot is optional; a
 * missing one renders the package's component of the same name, which is
 * exported, so a replacement can wrap it instead of starting from scratch.
 *
 * The same object is accepted by `ChatContainer`, `ChatMessages`,
 * `ChatMessagesView`, `ChatSelect` and `MessageList`; each uses the slots of
 * what it renders. Define it once at module level (or memoize it): a new
 * component on every render would remount that part of the chat each time.
 *
 * @example
 * ```tsx
 * import { memo } from 'react';
 * import { ChatContainer, MessageRow } from 'unet-chat-redux/react';
 * import type { ChatSlots } from 'unet-chat-redux/react';
 *
 * const slots: ChatSlots = {
 *   // The default row, with a badge under messages from the admissions office.
 *   MessageRow: memo(function OfficeRow(props) {
 *     return (
 *       <>
 *         <MessageRow {...props} />
 *         {props.message.sender_id === 1 && <small className="office-badge">Office</small>}
 *       </>
 *     );
 *   }),
 * };
 *
 * <ChatContainer slots={slots} />;
 * ```
 */
export interface ChatSlots {
  /**
   * One message of the list, inside the list's own measured row element (the
   * list keeps measuring, virtualizing and the keyboard). Its focusable root
   * must carry {@link messageArticleProps}; the default is {@link MessageRow}.
   */
  MessageRow?: ComponentType<MessageRowProps>;
  /** One conversation of the list, inside the list's `<li>`; the default is {@link ConversationRow}. */
  ConversationRow?: ComponentType<ConversationRowProps>;
  /** An open conversation without messages; the default is {@link EmptyConversation}. */
  EmptyConversation?: ComponentType<EmptyConversationProps>;
  /** A conversation list with nothing to show (none yet, or none matches the search); the default is {@link EmptyList}. */
  EmptyList?: ComponentType<EmptyListProps>;
  /** No conversation is open (the main pane of `ChatContainer`); the default is {@link NoConversationSelected}. */
  NoConversationSelected?: ComponentType;
  /**
   * The message field under an open conversation, with the reply and edit
   * bars; the default is {@link MessageComposer}. A replacement receives every
   * prop the default does (`onSend`, `draft`, `replyTo`, `editing`, `focusRequest` …).
   */
  Composer?: ComponentType<MessageComposerProps>;
}
