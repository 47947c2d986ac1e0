import { chatApi } from '../../api/chatApi';
import { describeChatError, errorCodeOf, retryAfterOf } from '../../api/errors';
import type { ChatQueryError } from '../../api/errors';
import { changesReceived, syncFailed, syncRetryDue } from '../../state/events';
import type { Timeline } from '../../state/messagesSlice';
import { hasGap } from '../../state/timelineModel';
import { reconnectDelay } from '../backoff';
import type { SocketBase } from '../context';
import { CountedMap, CountedSet } from './countedCollections';
import { MAX_RETRY_AFTER_MS } from './inbound';

/** A runaway guard: a catch-up that needs more pages than this restarts from the newest page. */
export const MAX_CATCH_UP_PAGES = 40;

/** Backoff of failed loads: 1 s doubling to 30 s, equal jitter. */
const LOAD_BACKOFF = { baseDelayMs: 1000, maxDelayMs: 30_000 };

/** Without an open socket (failed, or real time off), a catch-up over REST at most this often. */
export const POLL_INTERVAL_MS = 30_000;

type Work =
  | { kind: 'newest' }
  | { kind: 'after'; cursor: string }
  | { kind: 'changes'; since: string | null };

interface Running {
  generation: number;
  abort(): void;
}

/** What a conversation was reconciled with: when none of it changed, reconciling again would do nothing. */
interface ReconciledWith {
  timeline: Timeline;
  status: string | undefined;
  extensions: ReadonlySet<string> | null;
  /** The runner's count of changes to its own state. */
  changes: number;
}

/** Whether a failed request was refused (4xx) rather than unlucky. */
function isRefusal(error: ChatQueryError): boolean {
  return typeof error.status === 'number' && error.status >= 400 && error.status < 500;
}

/**
 * The sync runner: makes what each subscribed conversation shows match the
 * server. The messages reducer derives each conversation's phase from
 * events; after every action the runner looks at the phases and does what
 * they ask — `loading`: the newest page; `catchingUp`: the next page after
 * the watermark; `retrying`: a timer that dispatches `syncRetryDue`; `live`
 * with changes due: [ext] the edits and deletions since the cursor. One
 * request per conversation at a time; everything stops with the session.
 */
export function createSyncRunner(context: SocketBase) {
  const { runtime } = context;
  const { environment } = runtime;
  /** Changes to the runner's own state below (see `reconcileAll`). */
  let changes = 0;
  const changed = () => void changes++;
  const map = <Value>() => new CountedMap<string, Value>(changed);
  const set = () => new CountedSet<string>(changed);
  const running = map<Running>();
  const retryTimers = map<unknown>();
  const historyWaits = map<unknown>();
  const historyWaited = set();
  const pollTimers = map<unknown>();
  const pollDue = map<number>();
  const lastPoll = map<number>();
  const pagesInRow = map<number>();
  const cursorRejected = set();
  /** Conversations whose outbox asked for a catch-up to learn whether a send landed. */
  const checksWanted = set();
  /** [ext] A failed "changes since" is asked again only in the next socket epoch (no request storm). */
  const changesFailedInEpoch = map<number>();
  /** [ext] The cursor is asked for once per conversation and session, unless that fails. */
  const cursorTried = set();
  /**
   * [ext] A failed cursor request is asked again after a backoff: each moment
   * without a cursor is one whose edits no later "changes since" can bring.
   */
  const cursorTimers = map<unknown>();
  const cursorAttempts = map<number>();
  /** [ext] null: not known yet; false: the server has no "changes since". */
  let changesSupported: boolean | null = null;
  const learnChangesSupported = (supported: boolean) => {
    changesSupported = supported;
    changed();
  };
  /** What reconcileAll last reconciled each conversation with (plain: not part of the state it watches). */
  const reconciledWith = new Map<string, ReconciledWith>();
  let stopped = false;

  const generation = () => context.store?.getState().chat.session.generation ?? 0;

  function clearTimer(timers: Map<string, unknown>, conversationId: string): void {
    const timer = timers.get(conversationId);
    if (timer === undefined) return;
    environment.clearTimeout(timer);
    timers.delete(conversationId);
  }

  function forget(conversationId: string): void {
    clearTimer(retryTimers, conversationId);
    clearTimer(historyWaits, conversationId);
    clearTimer(pollTimers, conversationId);
    clearTimer(cursorTimers, conversationId);
    pollDue.delete(conversationId);
    historyWaited.delete(conversationId);
    pagesInRow.delete(conversationId);
  }

  /** What the conversation needs now, if anything. */
  function workFor(conversationId: string, timeline: Timeline): Work | null {
    const { sync } = timeline;
    const connection = context.socketFor(conversationId);
    switch (sync.phase) {
      case 'loading': {
        // History waits (briefly) for the socket, so nothing falls between the two.
        const connecting =
          connection?.status === 'connecting' && !historyWaited.has(conversationId);
        if (connecting) {
          if (!historyWaits.has(conversationId)) {
            historyWaits.set(
              conversationId,
              environment.setTimeout(() => {
                historyWaits.delete(conversationId);
                historyWaited.add(conversationId);
                reconcile(conversationId);
              }, runtime.options.socket.historyDelayMs),
            );
          }
          return null;
        }
        return { kind: 'newest' };
      }
      case 'catchingUp':
        return catchUpWork(conversationId, timeline);
      case 'live':
        if (checksWanted.has(conversationId)) return catchUpWork(conversationId, timeline);
        return changesWork(conversationId, timeline);
      case 'disconnected': {
        if (checksWanted.has(conversationId)) return catchUpWork(conversationId, timeline);
        const socketDown = !runtime.options.socket.enabled || connection?.status === 'failed';
        if (!socketDown) return null;
        // No socket to tell us: look over REST now and then (at once for a gap we know of).
        const polled = lastPoll.get(conversationId);
        const since = polled === undefined ? POLL_INTERVAL_MS : environment.now() - polled;
        const gap = hasGap(timeline);
        const gapUnchecked = gap && (polled === undefined || since >= 1000);
        if (gapUnchecked || since >= POLL_INTERVAL_MS) return catchUpWork(conversationId, timeline);
        // Wake up when the next poll is due; sooner, if a gap just appeared.
        const due = environment.now() + Math.max(0, (gap ? 1000 : POLL_INTERVAL_MS) - since);
        const scheduled = pollDue.get(conversationId);
        if (scheduled === undefined || scheduled > due) {
          clearTimer(pollTimers, conversationId);
          pollDue.set(conversationId, due);
          pollTimers.set(
            conversationId,
            environment.setTimeout(() => {
              pollTimers.delete(conversationId);
              pollDue.delete(conversationId);
              reconcile(conversationId);
            }, due - environment.now()),
          );
        }
        return null;
      }
      default:
        return null;
    }
  }

  function catchUpWork(conversationId: string, timeline: Timeline): Work {
    const cursor = timeline.watermark;
    const tooMany = (pagesInRow.get(conversationId) ?? 0) >= MAX_CATCH_UP_PAGES;
    if (!cursor || tooMany || cursorRejected.has(conversationId)) return { kind: 'newest' };
    return { kind: 'after', cursor };
  }

  function changesWork(conversationId: string, timeline: Timeline): Work | null {
    const { sync } = timeline;
    if (context.flags.extensions && !context.flags.extensions.has('changes')) return null;
    if (changesSupported === false || !sync.changesDue || sync.changesCursor === null) return null;
    if (changesFailedInEpoch.get(conversationId) === sync.epoch) return null;
    return { kind: 'changes', since: sync.changesCursor };
  }

  function reconcile(conversationId: string): void {
    const store = context.store;
    if (stopped || !store) return;
    const timeline = store.getState().chat.messages.conversations[conversationId];
    if (!timeline || timeline.sync.subscribers === 0) {
      forget(conversationId);
      return;
    }
    if (timeline.sync.phase !== 'loading') clearTimer(historyWaits, conversationId);
    if (timeline.sync.phase !== 'disconnected') {
      clearTimer(pollTimers, conversationId);
      pollDue.delete(conversationId);
    }
    if (timeline.sync.phase === 'live' || timeline.sync.phase === 'disconnected')
      pagesInRow.delete(conversationId);

    if (timeline.sync.phase === 'retrying') {
      if (!retryTimers.has(conversationId)) {
        const delay = timeline.sync.failure?.nextRetryInMs ?? 0;
        retryTimers.set(
          conversationId,
          environment.setTimeout(() => {
            retryTimers.delete(conversationId);
            context.store?.dispatch(syncRetryDue({ conversationId }));
          }, delay),
        );
      }
      return;
    }
    clearTimer(retryTimers, conversationId);
    if (running.has(conversationId)) return;
    const work = workFor(conversationId, timeline);
    if (work) {
      // Claimed before the request is dispatched: its own `pending` action reconciles again.
      const entry: Running = { generation: generation(), abort: () => undefined };
      running.set(conversationId, entry);
      void perform(conversationId, work, timeline.sync.epoch, timeline, entry);
    } else if (changesSupported === null && timeline.sync.historyLoaded) {
      void takeCursor(conversationId);
    }
  }

  async function perform(
    conversationId: string,
    work: Work,
    epoch: number,
    timeline: Timeline,
    entry: Running,
  ): Promise<void> {
    const store = context.store;
    if (!store) return;
    const started = entry.generation;
    if (work.kind === 'changes') {
      await fetchChanges(conversationId, work.since, entry);
      return;
    }
    // [ext] The first load takes the changes cursor too (in parallel: a socket
    // open since before the page delivers the edits of the moment between).
    if (!timeline.sync.historyLoaded && timeline.sync.changesCursor === null) {
      void takeCursor(conversationId);
    }
    const args =
      work.kind === 'newest'
        ? { conversationId, sync: { epoch } }
        : { conversationId, after: work.cursor, sync: { epoch } };
    if (work.kind === 'after')
      pagesInRow.set(conversationId, (pagesInRow.get(conversationId) ?? 0) + 1);
    else pagesInRow.delete(conversationId);
    const wasCheck = checksWanted.delete(conversationId);
    const request = store.dispatch(
      chatApi.endpoints.getMessages.initiate(args, { subscribe: false, forceRefetch: true }),
    );
    entry.abort = () => request.abort();
    const result = await request;
    if (running.get(conversationId) === entry) running.delete(conversationId);
    if (stopped || generation() !== started) return;
    lastPoll.set(conversationId, environment.now());
    if ('error' in result && result.error) {
      if (wasCheck) checksWanted.add(conversationId);
      failed(conversationId, result.error as ChatQueryError, work);
    } else {
      cursorRejected.delete(conversationId);
      if (wasCheck) context.onSyncChecked?.(conversationId);
    }
    reconcile(conversationId);
  }

  function failed(conversationId: string, error: ChatQueryError, work: Work): void {
    const store = context.store;
    if (!store) return;
    if (work.kind === 'after' && error.status === 400) {
      // The cursor itself was refused (a server that forgot the message): start from the newest page.
      cursorRejected.add(conversationId);
      return;
    }
    const timeline = store.getState().chat.messages.conversations[conversationId];
    const attempt = (timeline?.sync.failedAttempts ?? 0) + 1;
    const limited = error.status === 429;
    const terminal = isRefusal(error) && !limited && error.status !== 408;
    const nextRetryInMs = terminal
      ? null
      : (retryAfterOf(error, MAX_RETRY_AFTER_MS) ??
        reconnectDelay(attempt, LOAD_BACKOFF, () => environment.random()));
    store.dispatch(
      syncFailed({
        conversationId,
        error: describeChatError(error),
        code: errorCodeOf(error),
        terminal,
        nextRetryInMs,
        stage: timeline?.sync.historyLoaded ? 'catchUp' : 'history',
        notify: attempt === 1 || terminal,
      }),
    );
  }

  /** [ext] Takes the current changes cursor, learning on the way whether the server has the extension. */
  async function takeCursor(conversationId: string): Promise<void> {
    if (changesSupported === false || cursorTried.has(conversationId)) return;
    if (cursorTimers.has(conversationId)) return;
    // A server that told us its extensions and left this one out is not asked.
    if (context.flags.extensions && !context.flags.extensions.has('changes')) return;
    cursorTried.add(conversationId);
    const store = context.store;
    if (!store) return;
    const started = generation();
    const key = `${conversationId}:cursor`;
    const entry: Running = { generation: started, abort: () => undefined };
    running.set(key, entry);
    const request = store.dispatch(
      chatApi.endpoints.getMessageChanges.initiate(
        { conversationId, since: null },
        { subscribe: false, forceRefetch: true },
      ),
    );
    entry.abort = () => request.abort();
    const result = await request;
    running.delete(key);
    if (stopped || generation() !== started) return;
    if ('error' in result && result.error) {
      const error = result.error as ChatQueryError;
      // A server without the extension answers 404 or 405 for the unknown path (or,
      // before any answer told it has the extension, something that is no changes answer).
      const unknownRoute =
        error.status === 404 ||
        error.status === 405 ||
        (error.status === 'CUSTOM_ERROR' && changesSupported === null);
      if (unknownRoute) learnChangesSupported(false);
      else retryCursor(conversationId);
      return;
    }
    if (!result.data) return;
    learnChangesSupported(true);
    cursorAttempts.delete(conversationId);
    const timeline = store.getState().chat.messages.conversations[conversationId];
    if (timeline && timeline.sync.changesCursor === null) {
      store.dispatch(
        changesReceived(conversationId, {
          messages: [],
          deletedIds: [],
          cursor: result.data.cursor,
          complete: !timeline.sync.changesDue,
        }),
      );
    }
  }

  /** Any other failure (network, timeout, 5xx, 429): ask again after a backoff. */
  function retryCursor(conversationId: string): void {
    cursorTried.delete(conversationId);
    const attempt = (cursorAttempts.get(conversationId) ?? 0) + 1;
    cursorAttempts.set(conversationId, attempt);
    const delay = reconnectDelay(attempt, LOAD_BACKOFF, () => environment.random());
    cursorTimers.set(
      conversationId,
      environment.setTimeout(() => {
        cursorTimers.delete(conversationId);
        const timeline = context.store?.getState().chat.messages.conversations[conversationId];
        if (!stopped && timeline && timeline.sync.subscribers > 0) void takeCursor(conversationId);
      }, delay),
    );
  }

  async function fetchChanges(
    conversationId: string,
    since: string | null,
    entry: Running,
  ): Promise<void> {
    const store = context.store;
    if (!store) return;
    const started = entry.generation;
    const request = store.dispatch(
      chatApi.endpoints.getMessageChanges.initiate(
        { conversationId, since },
        { subscribe: false, forceRefetch: true },
      ),
    );
    entry.abort = () => request.abort();
    const result = await request;
    if (running.get(conversationId) === entry) running.delete(conversationId);
    if (stopped || generation() !== started) return;
    if ('error' in result && result.error) {
      const error = result.error as ChatQueryError;
      if (error.status === 404 || error.status === 405) learnChangesSupported(false);
      // Other failures: the next socket epoch asks again; nothing else depends on it.
      const epoch = store.getState().chat.messages.conversations[conversationId]?.sync.epoch;
      if (epoch !== undefined) changesFailedInEpoch.set(conversationId, epoch);
      return;
    }
    const data = result.data;
    if (!data) return;
    learnChangesSupported(true);
    store.dispatch(
      changesReceived(conversationId, {
        messages: data.messages.filter((message) => message.conversation_id === conversationId),
        deletedIds: data.deleted
          .filter((item) => item.conversation_id === conversationId)
          .map((item) => item.id),
        cursor: data.cursor,
        complete: !data.has_more,
      }),
    );
    reconcile(conversationId);
  }

  /** Compared field by field, not through a new record: this runs for every conversation after every action. */
  function unchangedSince(
    last: ReconciledWith,
    conversationId: string,
    timeline: Timeline,
  ): boolean {
    return (
      last.timeline === timeline &&
      last.changes === changes &&
      last.extensions === context.flags.extensions &&
      last.status === context.socketFor(conversationId)?.status
    );
  }

  function inputsOf(conversationId: string, timeline: Timeline): ReconciledWith {
    return {
      timeline,
      status: context.socketFor(conversationId)?.status,
      extensions: context.flags.extensions,
      changes,
    };
  }

  /**
   * Runs after every chat action, for every conversation the store holds.
   * `reconcile` is idempotent, and all it reads is the conversation's
   * timeline and socket status, the server's extensions and the runner's
   * own state: a conversation none of that changed for since reconcileAll
   * last reconciled it is passed over (with 50 conversations, one live
   * message would otherwise reconcile 50). A disconnected conversation's
   * poll reads the clock too: it is never passed over.
   */
  function reconcileAll(): void {
    const store = context.store;
    if (stopped || !store) return;
    const { conversations } = store.getState().chat.messages;
    const ids = Object.keys(conversations);
    for (const conversationId of ids) {
      const timeline = conversations[conversationId];
      const last = reconciledWith.get(conversationId);
      const passable = timeline && last && timeline.sync.phase !== 'disconnected';
      if (passable && unchangedSince(last, conversationId, timeline)) continue;
      reconcile(conversationId);
      // Read again: reconcile may have dispatched (and reconciled again inside that dispatch).
      const after = context.store?.getState().chat.messages.conversations[conversationId];
      if (after) reconciledWith.set(conversationId, inputsOf(conversationId, after));
      else reconciledWith.delete(conversationId);
    }
    if (reconciledWith.size > ids.length) {
      for (const conversationId of [...reconciledWith.keys()])
        if (!conversations[conversationId]) reconciledWith.delete(conversationId);
    }
    for (const conversationId of [...retryTimers.keys(), ...historyWaits.keys()]) {
      if (!conversations[conversationId]) forget(conversationId);
    }
  }

  /** The network or the page is back: failed loads are tried again at once. */
  function retryFailed(): void {
    const store = context.store;
    if (stopped || !store) return;
    for (const [conversationId, timeline] of Object.entries(
      store.getState().chat.messages.conversations,
    )) {
      const { phase } = timeline.sync;
      if (phase === 'retrying' || phase === 'failed') {
        clearTimer(retryTimers, conversationId);
        store.dispatch(syncRetryDue({ conversationId }));
      }
    }
  }

  /** The outbox wants to know whether an unconfirmed send is on the server: one catch-up. */
  function requestCheck(conversationId: string): void {
    checksWanted.add(conversationId);
    reconcile(conversationId);
  }

  /** Ends everything: requests are abandoned and timers cleared (the session or the instance ended). */
  function reset(): void {
    for (const entry of running.values()) entry.abort();
    running.clear();
    for (const conversationId of new Set([
      ...retryTimers.keys(),
      ...historyWaits.keys(),
      ...pollTimers.keys(),
      ...cursorTimers.keys(),
    ]))
      forget(conversationId);
    historyWaited.clear();
    lastPoll.clear();
    pagesInRow.clear();
    cursorRejected.clear();
    checksWanted.clear();
    changesFailedInEpoch.clear();
    cursorTried.clear();
    cursorAttempts.clear();
    reconciledWith.clear();
  }

  function dispose(): void {
    reset();
    stopped = true;
  }

  return { reconcile, reconcileAll, retryFailed, requestCheck, reset, dispose };
}

export type SyncRunner = ReturnType<typeof createSyncRunner>;
