import { chatApi } from '../../api/chatApi';
import { describeRejection } from '../../api/errors';
import type { Message } from '../../api/types';
import { catchUpFailed, catchUpStarted } from '../../state/events';
import { selectNewestMessageId, selectTimeline } from '../../state/selectors';
import type { SocketBase } from '../context';

/** A runaway guard: a catch-up that needs more pages than this restarts from the newest page. */
const MAX_CATCH_UP_PAGES = 40;

async function fetchPage(
  context: SocketBase,
  conversationId: string,
  after?: string,
): Promise<Message[]> {
  const store = context.store;
  if (!store) return [];
  const request = store.dispatch(
    chatApi.endpoints.getMessages.initiate(after ? { conversationId, after } : { conversationId }, {
      subscribe: false,
      forceRefetch: true,
    }),
  );
  return request.unwrap();
}

/**
 * Brings a conversation up to date: the newest page when nothing is loaded,
 * otherwise every message newer than the newest known one, page by page
 * (`after=` cursor). A server that ignores `after` answers with its newest
 * messages, which the messages reducer merges by id. Either way the answer
 * enters the store through `messagesReceived` (dispatched by the endpoint).
 */
export async function syncConversation(context: SocketBase, conversationId: string): Promise<void> {
  const store = context.store;
  if (!store) return;
  const pageSize = context.runtime.options.pageSize;
  let cursor = selectTimeline(store.getState(), conversationId)?.historyLoaded
    ? selectNewestMessageId(store.getState(), conversationId)
    : undefined;

  if (!cursor) {
    // Errors of this load are reported by the endpoint (historyLoadFailed).
    await fetchPage(context, conversationId).catch(() => undefined);
    return;
  }

  store.dispatch(catchUpStarted({ conversationId }));
  try {
    for (let page = 0; page < MAX_CATCH_UP_PAGES; page++) {
      const messages = await fetchPage(context, conversationId, cursor);
      const ignoredCursor =
        messages.some((message) => message.id === cursor) || messages.length > pageSize;
      const last = messages.at(-1);
      if (ignoredCursor || messages.length < pageSize || !last) return;
      cursor = last.id;
    }
    await fetchPage(context, conversationId);
  } catch (failure) {
    store.dispatch(catchUpFailed({ conversationId, error: describeRejection(failure) }));
  }
}

/**
 * Serializes syncs per conversation: a sync asked for while one runs runs
 * once more after it (the socket may have opened after the running request
 * was answered), and further asks share that one.
 */
export function createSyncScheduler(run: (conversationId: string) => Promise<void>) {
  const running = new Map<string, Promise<void>>();
  const queued = new Map<string, Promise<void>>();

  return function schedule(conversationId: string): Promise<void> {
    const current = running.get(conversationId);
    if (!current) {
      const started = run(conversationId).finally(() => running.delete(conversationId));
      running.set(conversationId, started);
      return started;
    }
    const waiting = queued.get(conversationId);
    if (waiting) return waiting;
    const next = current.then(() => {
      queued.delete(conversationId);
      return schedule(conversationId);
    });
    queued.set(conversationId, next);
    return next;
  };
}
