import type { UnknownAction } from '@reduxjs/toolkit';
import {
  conversationSubscribed,
  conversationUnsubscribed,
  conversationsEvicted,
  messagesReceived,
  messagesTrimmed,
  olderMessagesRequested,
} from '../../state/events';
import { confirmedCountOf } from '../../state/timelineModel';
import type { SocketBase } from '../context';
import { unbatchChatActions } from './events';

/**
 * Bounds on what the store keeps (`createChat({ memory })`).
 *
 * @example
 * ```ts
 * createChat({ memory: { idleConversations: 5, maxMessagesPerConversation: 1000 } });
 * ```
 */
export interface ChatMemoryOptions {
  /**
   * Conversations nobody shows that keep their messages; beyond this, the
   * least recently shown are dropped (they load again when shown). Default 10.
   */
  idleConversations?: number;
  /**
   * A conversation keeps at most this many messages once nobody shows it,
   * and at most twice this many while it is shown (live messages push the
   * oldest out — unless someone scrolled back in it: what they read stays
   * until they leave). Scroll-back reloads what was dropped. Default 2000.
   */
  maxMessagesPerConversation?: number;
}

/**
 * Keeps memory bounded. Which conversations and messages go is a decision
 * with a side (it depends on use, in the order of events), so it is made
 * here and applied by events (`conversationsEvicted`, `messagesTrimmed`):
 * replaying them reproduces the state.
 */
export function createMemoryKeeper(context: SocketBase, options: ChatMemoryOptions = {}) {
  const idleBudget = Math.max(0, options.idleConversations ?? 10);
  const maxMessages = Math.max(1, options.maxMessagesPerConversation ?? 2000);
  /** Conversations by last use, oldest first. */
  const lastUsed: string[] = [];
  /** Shown conversations someone scrolled back in: their oldest pages stay until they leave. */
  const readingBack = new Set<string>();

  function touch(conversationId: string): void {
    const at = lastUsed.indexOf(conversationId);
    if (at >= 0) lastUsed.splice(at, 1);
    lastUsed.push(conversationId);
  }

  function afterAction(action: UnknownAction): void {
    const store = context.store;
    if (!store) return;
    for (const inner of unbatchChatActions(action)) {
      if (conversationSubscribed.match(inner)) touch(inner.payload.conversationId);
      else if (olderMessagesRequested.match(inner)) readingBack.add(inner.payload.conversationId);
      else if (conversationUnsubscribed.match(inner)) settleIdle(inner.payload.conversationId);
      else if (messagesReceived.match(inner) && inner.payload.page?.direction !== 'older')
        trimLive(inner.payload.conversationId);
    }
  }

  /** The last view left: trim the conversation to the window, and evict beyond the budget. */
  function settleIdle(conversationId: string): void {
    const store = context.store;
    if (!store) return;
    const { conversations } = store.getState().chat.messages;
    const timeline = conversations[conversationId];
    if (!timeline || timeline.sync.subscribers > 0) return;
    readingBack.delete(conversationId);
    touch(conversationId);
    if (confirmedCountOf(timeline) > maxMessages)
      store.dispatch(messagesTrimmed({ conversationId, keep: maxMessages }));
    const idle = lastUsed.filter((id) => {
      const candidate = conversations[id];
      return candidate !== undefined && candidate.sync.subscribers === 0;
    });
    const evict = idle.slice(0, Math.max(0, idle.length - idleBudget));
    if (evict.length === 0) return;
    for (const id of evict) lastUsed.splice(lastUsed.indexOf(id), 1);
    store.dispatch(conversationsEvicted({ conversationIds: evict }));
  }

  /** Live messages push the oldest out once a shown conversation holds twice the window. */
  function trimLive(conversationId: string): void {
    const store = context.store;
    const timeline = store?.getState().chat.messages.conversations[conversationId];
    if (!store || !timeline || readingBack.has(conversationId)) return;
    if (confirmedCountOf(timeline) <= 2 * maxMessages) return;
    store.dispatch(messagesTrimmed({ conversationId, keep: maxMessages }));
  }

  function reset(): void {
    lastUsed.length = 0;
    readingBack.clear();
  }

  return { afterAction, reset };
}

export type MemoryKeeper = ReturnType<typeof createMemoryKeeper>;
