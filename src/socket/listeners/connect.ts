import type { TypedStartListening, UnsubscribeListener } from '@reduxjs/toolkit';
import { chatApi } from '../../api/chatApi';
import {
  connectionStatusChanged,
  conversationRemoved,
  conversationSubscribed,
  conversationUnsubscribed,
  disconnectRequested,
  protocolErrorReported,
  reconnectRequested,
  syncFailed,
  workspaceSubscribed,
  workspaceUnsubscribed,
} from '../../state/events';
import { selectConnection } from '../../state/selectors';
import type { ChatRootState } from '../../state/selectors';
import { createWebSocketFactory } from '../adapters/webSocket';
import { defaultFrameCodec } from '../codec';
import type { ClientFrame, ServerEvent } from '../codec';
import { ConversationConnection } from '../connection';
import type { ConnectionOptions, ConnectionUpdate } from '../connection';
import type { ChatDispatch, SocketChannel, SocketContext } from '../context';
import type { SocketFactory } from '../transport';
import { conversationSocketUrl, userStreamUrl } from '../url';
import { listenForEvent } from './events';
import { dispatchEvents, dispatchGroups } from './inbound';

type StartListening = TypedStartListening<ChatRootState, ChatDispatch>;

function statusAction(conversationId: string, update: ConnectionUpdate) {
  switch (update.status) {
    case 'reconnecting':
      return connectionStatusChanged({
        conversationId,
        status: 'reconnecting',
        attempt: update.attempt,
        nextDelayMs: update.nextDelayMs,
        code: update.code,
        error: update.reason || null,
      });
    case 'failed':
      return connectionStatusChanged({
        conversationId,
        status: 'failed',
        code: update.code,
        error: update.reason,
        retryable: update.retryable,
        nextDelayMs: update.nextDelayMs,
      });
    case 'connecting':
      return connectionStatusChanged({
        conversationId,
        status: 'connecting',
        attempt: update.attempt,
      });
    default:
      return connectionStatusChanged({ conversationId, status: update.status });
  }
}

/** Which conversation a frame of the user stream belongs to (null: the workspace's). */
function conversationOf(event: ServerEvent): string | null {
  switch (event.type) {
    case 'conversation:deleted':
      return event.payload.id;
    case 'conversation:created':
    case 'conversation:updated':
      return event.payload.id;
    case 'presence':
    case 'pong':
      return null;
    case 'error':
      return null;
    default:
      return event.payload.conversation_id;
  }
}

/** Failed opens of the stream, before it ever opened, after which the server is taken to have none. */
const STREAM_PROBE_FAILURES = 2;

/**
 * How long conversation sockets wait for the answer of `GET /extensions/`
 * before opening anyway (a server that answers slowly, or never). Within it,
 * a server with the stream gets one socket, not a conversation socket first.
 */
export const EXTENSIONS_WAIT_MS = 3000;

/**
 * The socket lifecycle. Subscriptions are reference-counted in state.
 *
 * - Per conversation (the seed): a subscription to a conversation without a
 *   socket opens one; the last unsubscribe closes it.
 * - [ext] One stream per user (`/ws/`): while the session's
 *   `GET /extensions/` is unanswered (at most {@link EXTENSIONS_WAIT_MS}),
 *   subscribed conversations wait in `connecting`. A server that lists
 *   `stream` gets the stream only; once it opens it carries every
 *   conversation, and each conversation's status mirrors the stream's. A
 *   conversation the server does not let us read (its catch-up answers 404)
 *   fails with 4404, as its own socket would. A server without it (or that
 *   refuses it: 4404, or failing twice before ever opening) gets conversation
 *   sockets for the session. An answer later than the wait switches the open
 *   conversation sockets over to the stream (a reopen: each catches up).
 *
 * What an open socket means for the messages (a catch-up, or the first page)
 * is the sync runner's business: it follows `connectionStatusChanged`.
 */
export function addConnectListeners(
  startListening: StartListening,
  context: SocketContext,
): UnsubscribeListener {
  const { runtime } = context;
  const socketOptions = runtime.options.socket;
  let factory: SocketFactory | undefined;

  let stream: ConversationConnection | null = null;
  // Tried only once the server said it has it (GET /extensions/): no speculative sockets.
  let streamSupport: 'unknown' | 'supported' | 'unsupported' = 'unsupported';
  let streamFailures = 0;
  /** The extensions probe is unanswered: conversation sockets wait (see EXTENSIONS_WAIT_MS). */
  let awaitingExtensions = false;
  let extensionsTimer: unknown = null;
  /** Conversations the stream serves: subscribed, and not disconnected by request. */
  const attached = new Set<string>();

  function connectionOptions(
    conversationId: string,
    url: (token: string | null) => string,
  ): Omit<ConnectionOptions, 'onStatus' | 'onEvents' | 'onOpen'> {
    if (!factory) {
      const inner = socketOptions.factory ?? createWebSocketFactory();
      // Tab sharing (or another wrapper) comes in as an option: not imported here, so a host without it pays nothing.
      factory = socketOptions.share
        ? socketOptions.share.wrap(runtime, inner, (cleanup) => context.cleanups.add(cleanup))
        : inner;
    }
    return {
      conversationId,
      url,
      protocols: (token) =>
        socketOptions.tokenIn === 'protocol' && token
          ? ['unet-chat', `bearer.${token}`]
          : undefined,
      getToken: () => runtime.getAccessToken(),
      // A token refreshed meanwhile (by a REST 401, say) is used as it is: no second refresh.
      refreshToken: (rejected) =>
        runtime.getAccessToken() !== rejected ? Promise.resolve(true) : runtime.refresher.refresh(),
      factory,
      codec: socketOptions.codec ?? defaultFrameCodec,
      environment: runtime.environment,
      maxAttempts: socketOptions.maxAttempts,
      baseDelayMs: socketOptions.baseDelayMs,
      maxDelayMs: socketOptions.maxDelayMs,
      slowRetryMs: socketOptions.slowRetryMs,
      connectTimeoutMs: socketOptions.connectTimeoutMs,
      heartbeat: socketOptions.heartbeat,
      onProtocolError({ reason, raw }) {
        context.store?.dispatch(protocolErrorReported({ conversationId, reason, raw }));
      },
    };
  }

  const tokenForUrl = (token: string | null) => (socketOptions.tokenIn === 'query' ? token : null);

  // ——— per-conversation sockets (the seed) ———

  function openConversationSocket(conversationId: string) {
    const store = context.store;
    if (!store || context.connections.has(conversationId)) return;
    const connection = new ConversationConnection({
      ...connectionOptions(conversationId, (token) =>
        conversationSocketUrl(
          runtime.options.baseUrl,
          conversationId,
          tokenForUrl(token),
          runtime.options.apiPrefix,
        ),
      ),
      onStatus(update) {
        if (context.connections.get(conversationId) !== connection) return;
        if (update.status === 'reconnecting' || update.status === 'failed')
          context.outbox.socketLost(conversationId);
        store.dispatch(statusAction(conversationId, update));
      },
      onOpen() {
        // The `open` status already told the sync and the outbox.
      },
      onEvents(events) {
        if (context.connections.get(conversationId) !== connection) return;
        dispatchEvents(context, conversationId, events);
      },
    });
    context.connections.set(conversationId, connection);
    connection.connect();
  }

  function closeConversationSocket(conversationId: string): boolean {
    const connection = context.connections.get(conversationId);
    if (!connection) return false;
    context.connections.delete(conversationId);
    connection.close();
    context.outbox.socketLost(conversationId);
    return true;
  }

  // ——— [ext] the user stream ———

  const streamWanted = () => attached.size > 0 || context.workspaceSubscribers > 0;

  function ensureStream() {
    if (!socketOptions.enabled || streamSupport === 'unsupported' || stream || !context.store)
      return;
    if (!streamWanted()) return;
    const connection = new ConversationConnection({
      ...connectionOptions('', (token) =>
        userStreamUrl(runtime.options.baseUrl, tokenForUrl(token), runtime.options.apiPrefix),
      ),
      onStatus: (update) => {
        if (stream === connection) streamStatus(update);
      },
      onOpen() {
        // Reported through onStatus.
      },
      onEvents(events) {
        if (stream === connection) streamEvents(events);
      },
    });
    stream = connection;
    connection.connect();
  }

  function closeStream() {
    const connection = stream;
    if (!connection) return;
    stream = null;
    connection.close();
  }

  function streamStatus(update: ConnectionUpdate) {
    const store = context.store;
    if (!store) return;
    if (streamSupport === 'unknown') {
      if (update.status === 'open') {
        streamSupport = 'supported';
        switchToStream();
        return;
      }
      // While unproven, the conversation sockets are in charge and the stream reports nothing.
      const refused = update.status === 'failed' && (update.code === 4404 || !update.retryable);
      if (update.status === 'reconnecting' || update.status === 'failed') streamFailures += 1;
      if (refused || streamFailures >= STREAM_PROBE_FAILURES) {
        streamSupport = 'unsupported';
        closeStream();
        openWaitingSockets();
      }
      return;
    }
    for (const conversationId of attached) {
      if (update.status === 'reconnecting' || update.status === 'failed')
        context.outbox.socketLost(conversationId);
      store.dispatch(statusAction(conversationId, update));
    }
    if (update.status === 'open') catchUpWorkspace();
  }

  /**
   * The stream (re)opened: what it could not bring meanwhile — a conversation created
   * with us before it opened or while it was down, reads elsewhere — comes with the list,
   * asked again (when a screen shows the workspace, or the list was loaded).
   */
  function catchUpWorkspace() {
    const store = context.store;
    if (!store) return;
    if (context.workspaceSubscribers === 0 && !store.getState().chat.conversations.loaded) return;
    void store.dispatch(
      chatApi.endpoints.getConversations.initiate(undefined, {
        subscribe: false,
        forceRefetch: true,
      }),
    );
  }

  /** The stream opened for the first time: it takes over every conversation. */
  function switchToStream() {
    const store = context.store;
    if (!store) return;
    for (const conversationId of [...attached]) {
      const connection = selectConnection(store.getState(), conversationId);
      const failure = store.getState().chat.messages.conversations[conversationId]?.sync.failure;
      closeConversationSocket(conversationId);
      if (connection.status === 'failed' && !connection.retryable) {
        // Its socket was refused for good (4404: not a conversation this user can see).
        attached.delete(conversationId);
        continue;
      }
      if (failure?.terminal && (failure.code === 'not_found' || failure.code === 'http_404')) {
        // Its load was refused (a conversation this user cannot see): the stream will not carry it.
        refusedOverStream(conversationId);
        continue;
      }
      // A reopen, so each conversation catches up over what fell between the two sockets.
      store.dispatch(connectionStatusChanged({ conversationId, status: 'connecting', attempt: 0 }));
      store.dispatch(connectionStatusChanged({ conversationId, status: 'open' }));
    }
    catchUpWorkspace();
  }

  /** Conversations that waited for the probe or the stream get their own sockets. */
  function openWaitingSockets() {
    if (awaitingExtensions || streamSupport !== 'unsupported') return;
    for (const conversationId of attached) openConversationSocket(conversationId);
  }

  function stopAwaitingExtensions() {
    awaitingExtensions = false;
    if (extensionsTimer !== null) runtime.environment.clearTimeout(extensionsTimer);
    extensionsTimer = null;
  }

  /**
   * [ext] A conversation the stream serves (or is to serve) whose catch-up the server refused
   * as not found (not ours, or gone): it fails like its own socket would (4404).
   */
  function refusedOverStream(conversationId: string) {
    // A conversation with its own socket hears 4404 from it; one waiting for the stream does not.
    if ((streamSupport === 'unsupported' && !awaitingExtensions) || !attached.has(conversationId))
      return;
    if (context.connections.has(conversationId)) return;
    attached.delete(conversationId);
    context.outbox.socketLost(conversationId);
    context.store?.dispatch(
      connectionStatusChanged({
        conversationId,
        status: 'failed',
        code: 4404,
        error: 'conversation not found',
        retryable: false,
        nextDelayMs: null,
      }),
    );
    if (!streamWanted()) closeStream();
  }

  function streamEvents(events: ServerEvent[]) {
    const groups = new Map<string, ServerEvent[]>();
    const workspace: ServerEvent[] = [];
    for (const event of events) {
      const conversationId = conversationOf(event);
      if (conversationId === null) workspace.push(event);
      else {
        const group = groups.get(conversationId) ?? [];
        group.push(event);
        groups.set(conversationId, group);
      }
    }
    dispatchGroups(context, [
      ...(workspace.length ? [{ conversationId: '', events: workspace }] : []),
      ...[...groups].map(([conversationId, group]) => ({ conversationId, events: group })),
    ]);
  }

  function streamChannel(conversationId: string): SocketChannel | undefined {
    const connection = stream;
    if (!connection || streamSupport !== 'supported' || !attached.has(conversationId))
      return undefined;
    return {
      get isOpen() {
        return connection.isOpen;
      },
      get status() {
        return connection.status;
      },
      send(frame: ClientFrame) {
        if (frame.type === 'message:send')
          return connection.send({
            ...frame,
            payload: { ...frame.payload, conversation_id: conversationId },
          });
        if (frame.type === 'typing')
          return connection.send({ type: 'typing', payload: { conversation_id: conversationId } });
        return connection.send(frame);
      },
      restart: (reason) => connection.restart(reason),
    };
  }

  context.socketFor = (conversationId) =>
    streamChannel(conversationId) ?? context.connections.get(conversationId);

  // ——— subscriptions ———

  function attach(conversationId: string) {
    const store = context.store;
    if (!store || !socketOptions.enabled) return;
    attached.add(conversationId);
    if (streamSupport === 'supported') {
      ensureStream();
      const status = stream?.status ?? 'connecting';
      store.dispatch(
        status === 'open'
          ? connectionStatusChanged({ conversationId, status: 'open' })
          : connectionStatusChanged({ conversationId, status: 'connecting', attempt: 0 }),
      );
      return;
    }
    if (awaitingExtensions || streamSupport === 'unknown') {
      // Waits for the server's answer (or the stream's first open) instead of opening a socket
      // that the stream would replace a moment later.
      if (!context.connections.has(conversationId))
        store.dispatch(
          connectionStatusChanged({ conversationId, status: 'connecting', attempt: 0 }),
        );
      ensureStream();
      return;
    }
    openConversationSocket(conversationId);
  }

  function detach(conversationId: string, report = true) {
    const wasAttached = attached.delete(conversationId);
    const closed = closeConversationSocket(conversationId);
    if (wasAttached && !closed) context.outbox.socketLost(conversationId);
    if ((closed || wasAttached) && report)
      context.store?.dispatch(connectionStatusChanged({ conversationId, status: 'closed' }));
    if (!streamWanted()) closeStream();
  }

  function closeAll(report: boolean) {
    for (const conversationId of new Set([...attached, ...context.connections.keys()]))
      detach(conversationId, report);
    closeStream();
    context.workspaceSubscribers = 0;
    streamFailures = 0;
    streamSupport = 'unsupported';
    stopAwaitingExtensions();
    // The session ended: a tab that shared sockets leaves (a leader hands over).
    (factory as { releaseIdle?: () => void } | undefined)?.releaseIdle?.();
  }

  context.cleanups.add(() => closeAll(false));
  context.closeAllSockets = closeAll;
  context.reconnectFailedSockets = () => {
    for (const connection of context.connections.values())
      if (connection.status === 'failed') connection.reconnectNow();
    if (stream?.status === 'failed') stream.reconnectNow();
  };
  context.onExtensionsAsked = () => {
    if (socketOptions.stream === 'never' || !socketOptions.enabled) return;
    stopAwaitingExtensions();
    awaitingExtensions = true;
    extensionsTimer = runtime.environment.setTimeout(() => {
      extensionsTimer = null;
      awaitingExtensions = false;
      // No answer in time: conversation sockets now; a late answer may still switch them over.
      if (streamSupport === 'unsupported')
        for (const conversationId of attached) openConversationSocket(conversationId);
    }, EXTENSIONS_WAIT_MS);
  };
  context.onExtensions = (extensions) => {
    stopAwaitingExtensions();
    if (
      socketOptions.stream !== 'never' &&
      extensions?.has('stream') &&
      streamSupport === 'unsupported' &&
      streamFailures < STREAM_PROBE_FAILURES
    ) {
      streamSupport = 'unknown';
      ensureStream();
    }
    openWaitingSockets();
  };

  const unsubscribers = [
    startListening({
      actionCreator: conversationSubscribed,
      effect: ({ payload }, api) => {
        // Whatever closed the socket before (a disconnect, a failure), a new subscriber reopens it.
        if (selectConnection(api.getState(), payload.conversationId).subscribers > 0)
          attach(payload.conversationId);
      },
    }),
    startListening({
      actionCreator: conversationUnsubscribed,
      effect: ({ payload }, api) => {
        if (selectConnection(api.getState(), payload.conversationId).subscribers === 0)
          detach(payload.conversationId);
      },
    }),
    startListening({
      actionCreator: workspaceSubscribed,
      effect: () => {
        context.workspaceSubscribers += 1;
        ensureStream();
      },
    }),
    startListening({
      actionCreator: workspaceUnsubscribed,
      effect: () => {
        context.workspaceSubscribers = Math.max(0, context.workspaceSubscribers - 1);
        if (!streamWanted()) closeStream();
      },
    }),
    startListening({
      actionCreator: reconnectRequested,
      effect: ({ payload }, api) => {
        const channel = context.socketFor(payload.conversationId);
        if (channel && stream && streamSupport === 'supported') stream.reconnectNow();
        else if (context.connections.get(payload.conversationId))
          context.connections.get(payload.conversationId)?.reconnectNow();
        else if (selectConnection(api.getState(), payload.conversationId).subscribers > 0)
          attach(payload.conversationId);
      },
    }),
    startListening({
      actionCreator: syncFailed,
      effect: ({ payload }) => {
        if (payload.terminal && (payload.code === 'not_found' || payload.code === 'http_404'))
          refusedOverStream(payload.conversationId);
      },
    }),
    startListening({
      actionCreator: disconnectRequested,
      effect: ({ payload }) => detach(payload.conversationId),
    }),
    // The conversation's state is gone already; nothing to report about it.
    listenForEvent(startListening, conversationRemoved, ({ id }) => detach(id, false)),
  ];
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}
