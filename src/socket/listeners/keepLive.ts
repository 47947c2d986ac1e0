import type { UnknownAction } from '@reduxjs/toolkit';
import {
  conversationRemoved,
  conversationSubscribed,
  conversationUnsubscribed,
  workspaceUnsubscribed,
} from '../../state/events';
import type { SocketBase } from '../context';
import { unbatchChatActions } from './events';

/**
 * How many recently shown conversations stay live while the workspace is
 * shown and the server has no user stream.
 */
export const KEPT_LIVE_CONVERSATIONS = 10;

/**
 * Without the [ext] user stream a conversation's messages arrive only over its
 * own socket, which closes when its view does; a seed conversation carries
 * neither a last message nor a count. So while the workspace is shown (the
 * list, a header badge), the conversations shown last keep a subscription of
 * their own — their sockets stay open and their unread counts stay true — up
 * to {@link KEPT_LIVE_CONVERSATIONS}, the least recently shown released first.
 * With the user stream nothing is kept: the stream carries every conversation.
 */
export function createKeepLive(context: SocketBase, limit = KEPT_LIVE_CONVERSATIONS) {
  /** Conversations held by us, least recently shown first. */
  const kept: string[] = [];
  let ours = false;

  const streamInUse = () =>
    context.runtime.options.socket.stream !== 'never' &&
    context.flags.extensions?.has('stream') === true;

  function dispatchOurs(action: UnknownAction): void {
    ours = true;
    try {
      context.store?.dispatch(action);
    } finally {
      ours = false;
    }
  }

  function release(conversationId: string): void {
    const index = kept.indexOf(conversationId);
    if (index < 0) return;
    kept.splice(index, 1);
    dispatchOurs(conversationUnsubscribed({ conversationId }));
  }

  function releaseAll(): void {
    for (const conversationId of [...kept]) release(conversationId);
  }

  /**
   * The last view of a conversation is about to leave: keep it live, if the
   * workspace wants it. Our subscription goes in first, so the socket never
   * closes in between (no reopen, no catch-up).
   */
  function beforeAction(action: UnknownAction): void {
    if (ours || !conversationUnsubscribed.match(action)) return;
    const store = context.store;
    const { conversationId } = action.payload;
    if (
      !store ||
      context.workspaceSubscribers === 0 ||
      streamInUse() ||
      kept.includes(conversationId)
    )
      return;
    if (!context.runtime.options.socket.enabled || limit <= 0) return;
    const state = store.getState().chat;
    if ((state.connections[conversationId]?.subscribers ?? 0) !== 1) return;
    // Gone for good (deleted, or we were removed): nothing to keep live.
    if (!state.conversations.entities[conversationId]) return;
    kept.push(conversationId);
    dispatchOurs(conversationSubscribed({ conversationId }));
    for (const oldest of kept.slice(0, Math.max(0, kept.length - limit))) release(oldest);
  }

  function afterAction(action: UnknownAction): void {
    if (ours) return;
    for (const inner of unbatchChatActions(action)) {
      if (conversationRemoved.match(inner)) {
        // Its state and socket are gone with it: nothing left to release.
        const index = kept.indexOf(inner.payload.id);
        if (index >= 0) kept.splice(index, 1);
      } else if (workspaceUnsubscribed.match(inner)) {
        // The connect listeners have counted it already (they run inside the dispatch).
        if (context.workspaceSubscribers === 0) releaseAll();
      } else if (conversationSubscribed.match(inner)) {
        // Shown again: it moves to the end (the most recently shown), still held by us.
        const index = kept.indexOf(inner.payload.conversationId);
        if (index >= 0) kept.push(...kept.splice(index, 1));
      }
    }
    // The stream came (the server said it has one): it carries everything, nothing is held.
    if (kept.length > 0 && streamInUse()) releaseAll();
  }

  /** The session ended: its state is gone, so are our subscriptions (nothing to dispatch). */
  function reset(): void {
    kept.length = 0;
  }

  return { beforeAction, afterAction, reset, kept: (): readonly string[] => kept };
}
