import type { Conversation } from '../../api/types';
import { useChatStrings } from '../i18n/context';

/** Props of {@link EmptyList} (and of a `ChatSlots.EmptyList` replacement). */
export interface EmptyListProps {
  /**
   * The search field's trimmed text: `''` when there are no conversations at
   * all, else the query that matches none.
   */
  query: string;
  /** Opens the "new conversation" form, as the list's "+" button does. */
  onNewConversation: () => void;
}

/**
 * What the conversation list shows when it has nothing to show: no
 * conversations yet (with a hint at the "+" button), or none that matches
 * the search (a polite status).
 *
 * @example
 * ```tsx
 * <EmptyList query="" onNewConversation={() => setCreating(true)} />
 * ```
 */
export function EmptyList({ query }: EmptyListProps) {
  const strings = useChatStrings();
  if (query !== '') {
    return (
      <div className="ucr-empty" role="status">
        <p className="ucr-empty__title">{strings.noSearchResults(query)}</p>
      </div>
    );
  }
  return (
    <div className="ucr-empty">
      <p className="ucr-empty__title">{strings.noConversations}</p>
      <p className="ucr-empty__hint">{strings.noConversationsHint}</p>
    </div>
  );
}

/** Props of {@link EmptyConversation} (and of a `ChatSlots.EmptyConversation` replacement). */
export interface EmptyConversationProps {
  /** The open conversation. */
  conversation: Conversation;
  /** Its title as the header shows it (its own, else the other person's name). */
  title: string;
}

/**
 * What an open conversation without messages shows over the empty list
 * ("No messages yet. Say hello!"). It is drawn only once the history is known
 * to be empty: not while the first page or an older one is loading.
 *
 * @example
 * ```tsx
 * <EmptyConversation conversation={conversation} title="Айбек Асанов" />
 * ```
 */
export function EmptyConversation(_props: EmptyConversationProps) {
  const strings = useChatStrings();
  return <p className="ucr-message-list__empty">{strings.noMessages}</p>;
}

/**
 * The main pane while no conversation is open ("Select a conversation").
 *
 * @example
 * ```tsx
 * <ChatLayout showMain={false} sidebar={list} main={<NoConversationSelected />} />
 * ```
 */
export function NoConversationSelected() {
  const strings = useChatStrings();
  return (
    <div className="ucr-placeholder" role="note">
      <p className="ucr-placeholder__title">{strings.selectConversation}</p>
      <p className="ucr-placeholder__hint">{strings.selectConversationHint}</p>
    </div>
  );
}
