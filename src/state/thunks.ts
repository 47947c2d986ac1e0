import type { ThunkAction, UnknownAction } from '@reduxjs/toolkit';
import { chatApi } from '../api/chatApi';
import { resolveRuntime } from '../api/runtime';
import {
  conversationSubscribed,
  conversationUnsubscribed,
  messageComposed,
  olderMessagesRequested,
  workspaceSubscribed,
  workspaceUnsubscribed,
} from './events';
import type { ChatRootState } from './selectors';
import { selectTimeline } from './selectors';
import { oldestIdOf } from './timelineModel';

type ChatThunk<Result> = ThunkAction<Result, ChatRootState, unknown, UnknownAction>;

/** Input of {@link submitMessage}. */
export interface SubmitMessageArgs {
  conversationId: string;
  text: string;
  replyTo?: string | null;
}

/**
 * Sends a message the way the UI should: it shows at once as `pending` and
 * goes out over the socket when open, else over REST, else waits for the
 * network — in order, exactly once. Returns the message's `client_id`, or
 * null when the text is empty or nobody is logged in. (The seed's
 * `sendMessage` is the direct REST call; this is the optimistic one.)
 *
 * @example
 * ```ts
 * dispatch(submitMessage({ conversationId, text: 'Привет!', replyTo: null }));
 * ```
 */
export const submitMessage =
  ({ conversationId, text, replyTo = null }: SubmitMessageArgs): ChatThunk<string | null> =>
  (dispatch) => {
    const senderId = resolveRuntime(dispatch).getCurrentUserId();
    if (senderId === null || text.trim().length === 0) return null;
    return dispatch(messageComposed({ conversationId, text, replyTo, senderId })).payload.clientId;
  };

/**
 * Loads the page of messages just older than the oldest loaded one
 * (scroll-back). Does nothing while a page loads or when there is nothing older.
 *
 * @example
 * ```ts
 * dispatch(loadOlderMessages(conversationId));
 * ```
 */
export const loadOlderMessages =
  (conversationId: string): ChatThunk<Promise<void>> =>
  async (dispatch, getState) => {
    const timeline = selectTimeline(getState(), conversationId);
    const before = timeline ? oldestIdOf(timeline) : undefined;
    // Scroll-back extends the contiguous range, which starts at the oldest message.
    if (!timeline || !before || timeline.loadingOlder || !timeline.hasMoreOlder) return;
    dispatch(olderMessagesRequested({ conversationId }));
    // The endpoint puts the page (or its error) into the store before this resolves.
    await dispatch(
      chatApi.endpoints.getMessages.initiate(
        { conversationId, before },
        { subscribe: false, forceRefetch: true },
      ),
    );
  };

/**
 * Subscribes to a conversation's live updates (opening its socket if this is
 * the first subscriber, loading its history) and returns the unsubscribe.
 *
 * @example
 * ```ts
 * useEffect(() => dispatch(subscribeToConversation(conversationId)), [dispatch, conversationId]);
 * ```
 */
export const subscribeToConversation =
  (conversationId: string): ChatThunk<() => void> =>
  (dispatch) => {
    dispatch(conversationSubscribed({ conversationId }));
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      dispatch(conversationUnsubscribed({ conversationId }));
    };
  };

/**
 * The current user's id as the chat's `getCurrentUserId` option says (by
 * default the access token's `user_id` claim); null when nobody is logged in.
 *
 * @example
 * ```ts
 * const me = store.dispatch(readCurrentUserId());
 * ```
 */
export const readCurrentUserId = (): ChatThunk<number | null> => (dispatch) =>
  resolveRuntime(dispatch).getCurrentUserId();

/**
 * Calls `listener` with every action the store handles (after the reducers),
 * until the returned function is called. Unlike RTK's `addListener` action it
 * dispatches nothing non-serializable, so it works wherever the chat
 * middleware sits in the chain.
 *
 * @example
 * ```ts
 * const stop = dispatch(watchChatActions((action) => { if (messagesReceived.match(action)) … }));
 * ```
 */
export const watchChatActions =
  (listener: (action: UnknownAction) => void): ChatThunk<() => void> =>
  (dispatch) => {
    const { actionWatchers } = resolveRuntime(dispatch);
    const watcher = (action: unknown) => listener(action as UnknownAction);
    actionWatchers.add(watcher);
    return () => void actionWatchers.delete(watcher);
  };

/**
 * Ends the current user's session from anywhere a dispatch is at hand (the
 * same as `chat.endSession()`): sockets closed, requests abandoned, the
 * outbox stopped, no trace of the user left in state or storage.
 *
 * @example
 * ```ts
 * async function logout() {
 *   store.dispatch(endChatSession());
 *   await authService.logout();
 * }
 * ```
 */
export const endChatSession = (): ChatThunk<void> => (dispatch) =>
  resolveRuntime(dispatch).endSession('logout');

/**
 * Keeps the workspace live while a screen shows it (the conversation list):
 * [ext] the user stream stays open for new conversations, unread counts,
 * typing and presence. Returns the unsubscribe.
 *
 * @example
 * ```ts
 * useEffect(() => dispatch(subscribeToWorkspace()), [dispatch]);
 * ```
 */
export const subscribeToWorkspace = (): ChatThunk<() => void> => (dispatch) => {
  dispatch(workspaceSubscribed());
  let subscribed = true;
  return () => {
    if (!subscribed) return;
    subscribed = false;
    dispatch(workspaceUnsubscribed());
  };
};
