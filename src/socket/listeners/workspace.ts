import type { UnknownAction } from '@reduxjs/toolkit';
import { chatApi } from '../../api/chatApi';
import {
  messageComposed,
  messagesSeen,
  presenceReceived,
  readCursorMoved,
  typingExpired,
  typingReported,
  userTyping,
  workspaceSubscribed,
  workspaceUnsubscribed,
} from '../../state/events';
import type { SocketBase } from '../context';
import { unbatchChatActions } from './events';

/** Our typing is told at most this often per conversation. */
export const TYPING_THROTTLE_MS = 3000;
/** Read cursors go to the server this long after the last `messagesSeen` of a conversation. */
export const READ_DEBOUNCE_MS = 500;
/**
 * Without the user stream, `GET /presence/` is asked again this long after its
 * last answer, while the workspace is shown: presence stays live (within this
 * much) instead of a snapshot of when the list opened.
 */
export const PRESENCE_POLL_MS = 30_000;

/**
 * The live workspace's side effects ([ext] parts used only when the server
 * says it has them, `GET /extensions/`): what extensions the server has,
 * read cursors sent to the server (debounced), our typing told to the
 * others (throttled), typing indicators that run out, and presence when
 * there is no user stream to bring it.
 */
export function createWorkspace(context: SocketBase) {
  const { environment } = context.runtime;
  const readTimers = new Map<string, unknown>();
  const lastTyping = new Map<string, number>();
  const typingTimers = new Map<string, unknown>();
  let probed = false;
  /** The next `GET /presence/`, while the workspace is shown and polling brings presence. */
  let presenceTimer: unknown;
  let presenceAsking = false;
  /** Counts up when polling stops, so an answer still on its way is not acted on. */
  let presenceRun = 0;

  const has = (extension: string) => context.flags.extensions?.has(extension) === true;
  const generation = () => context.store?.getState().chat.session.generation ?? 0;

  /** The session began: ask the server once which extensions it has. */
  async function probe(): Promise<void> {
    const store = context.store;
    if (!store || probed) return;
    probed = true;
    const started = generation();
    context.onExtensionsAsked?.();
    const request = store.dispatch(
      chatApi.endpoints.getExtensions.initiate(undefined, { subscribe: false, forceRefetch: true }),
    );
    const result = await request;
    if (generation() !== started || !probed) return;
    if (!result.data) {
      // Not said (a seed server, or no answer): the sockets waiting for it go per conversation.
      context.onExtensions?.(null);
      return;
    }
    context.flags.extensions = new Set(result.data);
    context.onExtensions?.(context.flags.extensions);
    pollPresence();
  }

  /**
   * Presence comes by asking: the server has it ([ext] `presence`) but the user
   * stream, which would bring every change, is not used (none, or `stream: 'never'`).
   */
  const presenceByPolling = () =>
    has('presence') && !(has('stream') && context.runtime.options.socket.stream !== 'never');

  /** Starts polling presence, if the workspace is shown and polling is the way; once. */
  function pollPresence(): void {
    if (presenceTimer !== undefined || presenceAsking) return;
    if (context.workspaceSubscribers === 0 || !presenceByPolling()) return;
    void askPresence();
  }

  function stopPresence(): void {
    if (presenceTimer !== undefined) environment.clearTimeout(presenceTimer);
    presenceTimer = undefined;
    presenceAsking = false;
    presenceRun += 1;
  }

  async function askPresence(): Promise<void> {
    const store = context.store;
    if (!store) return;
    presenceAsking = true;
    const [started, run] = [generation(), presenceRun];
    const result = await store.dispatch(
      chatApi.endpoints.getPresence.initiate(undefined, { subscribe: false, forceRefetch: true }),
    );
    if (generation() !== started || run !== presenceRun) return;
    presenceAsking = false;
    // An answer or not (a network fault), the next one is asked after the interval.
    if (context.workspaceSubscribers > 0 && presenceByPolling())
      presenceTimer = environment.setTimeout(() => {
        presenceTimer = undefined;
        if (run === presenceRun) void askPresence();
      }, PRESENCE_POLL_MS);
    if (!result.data) return;
    store.dispatch(
      presenceReceived(
        result.data.map((entry) => ({
          userId: entry.user_id,
          online: entry.online,
          lastSeenAt: entry.last_seen_at,
        })),
      ),
    );
  }

  function sendRead(conversationId: string): void {
    readTimers.delete(conversationId);
    const store = context.store;
    if (!store || !has('read')) return;
    const mine = store.getState().chat.reads[conversationId]?.mine;
    if (!mine) return;
    const started = generation();
    void store
      .dispatch(chatApi.endpoints.markRead.initiate({ conversationId, messageId: mine }))
      .then((result) => {
        if (generation() !== started || !('data' in result) || !result.data) return;
        const createdMs =
          store.getState().chat.reads[conversationId]?.mine === result.data.last_read_message_id
            ? (store.getState().chat.reads[conversationId]?.mineMs ?? null)
            : null;
        store.dispatch(
          readCursorMoved({
            conversationId,
            userId: result.data.user_id,
            messageId: result.data.last_read_message_id,
            mine: true,
            createdMs,
          }),
        );
      });
  }

  function typed(conversationId: string): void {
    if (!has('typing')) return;
    const now = environment.now();
    const last = lastTyping.get(conversationId);
    if (last !== undefined && now - last < TYPING_THROTTLE_MS) return;
    const channel = context.socketFor(conversationId);
    if (!channel?.isOpen) return;
    if (channel.send({ type: 'typing' })) lastTyping.set(conversationId, now);
  }

  function typingShown(conversationId: string, userId: number, until: number): void {
    const key = `${conversationId}|${userId}`;
    const timer = typingTimers.get(key);
    if (timer !== undefined) environment.clearTimeout(timer);
    typingTimers.set(
      key,
      environment.setTimeout(
        () => {
          typingTimers.delete(key);
          context.store?.dispatch(typingExpired({ conversationId, userId }));
        },
        Math.max(0, until - environment.now()),
      ),
    );
  }

  function afterAction(action: UnknownAction): void {
    for (const inner of unbatchChatActions(action)) {
      if (messagesSeen.match(inner)) {
        const { conversationId } = inner.payload;
        const timer = readTimers.get(conversationId);
        if (timer !== undefined) environment.clearTimeout(timer);
        readTimers.set(
          conversationId,
          environment.setTimeout(() => sendRead(conversationId), READ_DEBOUNCE_MS),
        );
      } else if (messageComposed.match(inner)) {
        // A sent message ends the typing: typing again right after it is news, sent at once.
        lastTyping.delete(inner.payload.conversationId);
      } else if (userTyping.match(inner)) {
        typed(inner.payload.conversationId);
      } else if (typingReported.match(inner)) {
        typingShown(inner.payload.conversationId, inner.payload.userId, inner.payload.until);
      } else if (workspaceSubscribed.match(inner)) {
        pollPresence();
      } else if (workspaceUnsubscribed.match(inner)) {
        // The connect listeners have counted it already (they run inside the dispatch).
        if (context.workspaceSubscribers === 0) stopPresence();
      }
    }
  }

  function reset(): void {
    for (const timer of [...readTimers.values(), ...typingTimers.values()])
      environment.clearTimeout(timer);
    readTimers.clear();
    typingTimers.clear();
    lastTyping.clear();
    probed = false;
    stopPresence();
    context.flags.extensions = null;
  }

  return { probe, afterAction, reset };
}

export type Workspace = ReturnType<typeof createWorkspace>;
