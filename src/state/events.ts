import { createAction } from '@reduxjs/toolkit';
import type { ChatUser, Conversation, Message } from '../api/types';
import type { ChatMessage, ConnectionStatus } from './model';
import { normalizeMessages } from './normalize';
import type { NormalizedMessages } from './normalize';
import { randomUuid } from './uuid';

/**
 * The package's event vocabulary. Every action is named for something that
 * happened (past tense), lives under the `chat/` prefix, carries only
 * serializable data, and may be handled by several slices at once. Replaying
 * a recorded list of these actions into a fresh store reproduces the state.
 */

/** Where a batch of messages came from. */
export type MessageSource = 'history' | 'send' | 'edit' | 'socket' | 'catchUp' | 'changes';

/**
 * What a page of history says about the server's timeline. `limit` is the page
 * size asked for; `cursor` the `before`/`after` message id (null for the newest page).
 */
export interface PageRequest {
  direction: 'latest' | 'older' | 'newer';
  cursor: string | null;
  limit: number;
  /**
   * Pages the sync asked for carry the socket epoch at the time of the request
   * (see `SyncState.epoch`): a page that reaches the server's newest message
   * makes the conversation `live` only if the socket has stayed open since.
   */
  epoch?: number;
}

/** Options of {@link messagesReceived}. */
export interface MessagesReceivedMeta {
  source: MessageSource;
  /** Set for history pages (newest, older or catch-up). */
  page?: PageRequest;
  /** For the answer to our own send: the `client_id` of the pending copy it confirms. */
  confirms?: string;
  /** Edits: update messages the store has, never add unknown ones. */
  updatesOnly?: boolean;
}

/** Payload of {@link messagesReceived}: normalized entities plus their origin. */
export interface MessagesReceivedPayload extends NormalizedMessages, MessagesReceivedMeta {
  conversationId: string;
}

/**
 * Messages arrived from the server — by any path: a history page, the answer
 * to a send or an edit, a socket frame, a catch-up fetch. The one way messages
 * enter the store; the action creator normalizes them.
 *
 * @example
 * ```ts
 * dispatch(messagesReceived(conversationId, page, { source: 'history', page: { direction: 'latest', cursor: null, limit: 50 } }));
 * ```
 */
export const messagesReceived = createAction(
  'chat/messagesReceived',
  (conversationId: string, messages: readonly Message[], meta: MessagesReceivedMeta) => ({
    payload: { conversationId, ...normalizeMessages(messages), ...meta } as MessagesReceivedPayload,
  }),
);

/** A page of older messages was asked for (sets the conversation's `loadingOlder`). */
export const olderMessagesRequested = createAction<{ conversationId: string }>(
  'chat/olderMessagesRequested',
);

/** Loading a page of history failed. */
export const historyLoadFailed = createAction<{ conversationId: string; error: string }>(
  'chat/historyLoadFailed',
);

/** Input of {@link messageComposed}. */
export interface ComposedMessage {
  conversationId: string;
  text: string;
  replyTo?: string | null;
  senderId: number;
}

/**
 * The person wrote a message. It appears at once as `pending` with a fresh
 * `client_id`; the listener middleware sends it (over the socket when open,
 * else over REST) and the server's copy later replaces it.
 *
 * @example
 * ```ts
 * dispatch(messageComposed({ conversationId, text: 'Привет!', senderId: 1 }));
 * ```
 */
export const messageComposed = createAction(
  'chat/messageComposed',
  ({ conversationId, text, replyTo = null, senderId }: ComposedMessage) => {
    const clientId = randomUuid();
    return {
      payload: {
        conversationId,
        clientId,
        text: text.trim(),
        replyTo,
        senderId,
        createdAt: new Date().toISOString(),
      },
    };
  },
);

/** A composed message could not be sent; it stays visible as `failed`. */
export const messageSendFailed = createAction<{
  conversationId: string;
  clientId: string;
  error: string;
  /** Machine-readable reason (see {@link ChatMessage.errorCode}). */
  code?: string;
}>('chat/messageSendFailed');

/** The person asked to send a failed message again. */
export const messageRetried = createAction<{ conversationId: string; clientId: string }>(
  'chat/messageRetried',
);

/** The person dropped a failed (or still pending) message. */
export const messageDiscarded = createAction<{ conversationId: string; clientId: string }>(
  'chat/messageDiscarded',
);

/** An edit was sent; the new text shows at once. */
export const messageEditStarted = createAction<{ id: string; text: string }>(
  'chat/messageEditStarted',
);

/** An edit failed: `previous` is restored. */
export const messageEditFailed = createAction<{ previous: ChatMessage; error: string }>(
  'chat/messageEditFailed',
);

/** A delete was sent; the message disappears at once. */
export const messageDeleteStarted = createAction<{ id: string }>('chat/messageDeleteStarted');

/** A delete failed: the message comes back. */
export const messageDeleteFailed = createAction<{ message: ChatMessage; error: string }>(
  'chat/messageDeleteFailed',
);

/** The server deleted messages (our own delete confirmed, or a socket event). */
export const messagesRemoved = createAction<{ conversationId: string; ids: string[] }>(
  'chat/messagesRemoved',
);

/** A conversation is gone (deleted, or we left it): its messages and connection go too. */
export const conversationRemoved = createAction<{ id: string }>('chat/conversationRemoved');

/** Someone joined a conversation. */
export const participantAdded = createAction<{ conversationId: string; userId: number }>(
  'chat/participantAdded',
);

/** Someone left or was removed from a conversation. */
export const participantRemoved = createAction<{ conversationId: string; userId: number }>(
  'chat/participantRemoved',
);

/**
 * The host's user directory (names for senders and pickers). The [ext]
 * `/users/` endpoint feeds it automatically; a host may dispatch its own.
 *
 * @example
 * ```ts
 * dispatch(usersReceived([{ id: 1, username: 'aibek', full_name: 'Айбек Асанов' }]));
 * ```
 */
export const usersReceived = createAction<ChatUser[]>('chat/usersReceived');

/** A toast the UI has shown may be forgotten. */
export const noticeDismissed = createAction<{ id: number }>('chat/noticeDismissed');

/**
 * The access token was rejected and could not be refreshed. The host app
 * listens for this to send the person to its login screen.
 *
 * @example
 * ```ts
 * startListening({ actionCreator: authExpired, effect: () => navigate('/login') });
 * ```
 */
export const authExpired = createAction('chat/authExpired');

/** A request succeeded with credentials again after `authExpired`. */
export const authRestored = createAction('chat/authRestored');

/** A component wants live updates of a conversation (reference-counted). */
export const conversationSubscribed = createAction<{ conversationId: string }>(
  'chat/conversationSubscribed',
);

/**
 * A screen shows the workspace (the conversation list): [ext] the user stream
 * stays open for it, bringing new conversations, unread counts, typing and
 * presence even while no conversation is open.
 */
export const workspaceSubscribed = createAction('chat/workspaceSubscribed');

/** The screen that showed the workspace is gone. */
export const workspaceUnsubscribed = createAction('chat/workspaceUnsubscribed');

/** A component no longer wants live updates; the last one out closes the socket. */
export const conversationUnsubscribed = createAction<{ conversationId: string }>(
  'chat/conversationUnsubscribed',
);

/** A conversation's socket changed state. */
export const connectionStatusChanged = createAction<{
  conversationId: string;
  status: ConnectionStatus;
  attempt?: number;
  nextDelayMs?: number | null;
  code?: number | null;
  error?: string | null;
  retryable?: boolean;
}>('chat/connectionStatusChanged');

/** The person asked to reconnect a failed socket now. */
export const reconnectRequested = createAction<{ conversationId: string }>(
  'chat/reconnectRequested',
);

/** The person asked to close a conversation's socket (the seed hook's `disconnect`). */
export const disconnectRequested = createAction<{ conversationId: string }>(
  'chat/disconnectRequested',
);

/** A frame from the server was not understood and was dropped. */
export const protocolErrorReported = createAction<{
  conversationId: string;
  reason: string;
  raw: string;
}>('chat/protocolErrorReported');

/** The server answered a socket frame with an `error` frame. */
export const serverErrorReceived = createAction<{
  conversationId: string;
  code: string;
  detail: string;
  clientId: string | null;
}>('chat/serverErrorReceived');

/**
 * Loading the newest page or catching up failed. The middleware computes the
 * retry delay (with jitter) and puts it here, so the reducer stays pure.
 */
export const syncFailed = createAction<{
  conversationId: string;
  error: string;
  code: string | null;
  /** A refusal (4xx): no automatic retry on a timer. */
  terminal: boolean;
  nextRetryInMs: number | null;
  /** Which load failed: the newest page, or a catch-up page. */
  stage: 'history' | 'catchUp';
  /** Raise a notice (the first failure in a row, or a refusal), not one per retry. */
  notify: boolean;
}>('chat/syncFailed');

/** The retry timer of a failed sync fired, or the network or the page came back. */
export const syncRetryDue = createAction<{ conversationId: string }>('chat/syncRetryDue');

/**
 * The person asked to load a conversation again (the Retry of a failed load).
 *
 * @example
 * ```ts
 * dispatch(syncRetryRequested({ conversationId }));
 * ```
 */
export const syncRetryRequested = createAction<{ conversationId: string }>(
  'chat/syncRetryRequested',
);

/** [ext] The edits and deletions since `SyncState.changesCursor` arrived. */
export const changesReceived = createAction(
  'chat/changesReceived',
  (
    conversationId: string,
    changes: {
      messages: readonly Message[];
      deletedIds: string[];
      cursor: string;
      complete: boolean;
    },
  ) => ({
    payload: {
      conversationId,
      ...normalizeMessages(changes.messages),
      deletedIds: changes.deletedIds,
      cursor: changes.cursor,
      complete: changes.complete,
    },
  }),
);

/** [ext] The server asked us to slow down sending (`rate_limited`): the message waits and goes again, in order. */
export const messageSendRateLimited = createAction<{
  conversationId: string;
  clientId: string;
  retryAfterMs: number | null;
}>('chat/messageSendRateLimited');

/** The outbox handed a pending message to the socket or to REST. */
export const messageSendAttempted = createAction<{
  conversationId: string;
  clientId: string;
  via: 'socket' | 'rest';
}>('chat/messageSendAttempted');

/** A pending message as the durable outbox keeps it across reloads. */
export interface StoredPendingMessage {
  clientId: string;
  conversationId: string;
  senderId: number;
  text: string;
  replyTo: string | null;
  createdAt: string;
  status: 'pending' | 'failed';
  error: string | null;
  errorCode: string | null;
  attempts: number;
  /** See `ChatMessage.sent_after_ms`. */
  sentAfterMs?: number | null;
}

/** Unsent messages of the current user came back from storage (after a reload). */
export const outboxRestored = createAction<{ messages: StoredPendingMessage[] }>(
  'chat/outboxRestored',
);

/**
 * The person changed the draft of a conversation's composer (an empty text removes it).
 *
 * @example
 * ```ts
 * dispatch(draftChanged({ conversationId, text: 'Привет, ' }));
 * ```
 */
export const draftChanged = createAction<{ conversationId: string; text: string }>(
  'chat/draftChanged',
);

/** Drafts of the current user came back from storage (after a reload). */
export const draftsRestored = createAction<{ drafts: Record<string, string> }>(
  'chat/draftsRestored',
);

/**
 * Memory: conversations nobody shows were dropped from the store (the oldest
 * used first, beyond `createChat({ memory: { idleConversations } })`). They
 * load again when shown.
 */
export const conversationsEvicted = createAction<{ conversationIds: string[] }>(
  'chat/conversationsEvicted',
);

/**
 * Memory: a conversation's oldest messages were dropped down to `keep`
 * (`createChat({ memory: { maxMessagesPerConversation } })`); scroll-back
 * loads them again from the server.
 */
export const messagesTrimmed = createAction<{ conversationId: string; keep: number }>(
  'chat/messagesTrimmed',
);

/** [ext] A conversation arrived by the user stream (created with us in it, or changed). */
export const conversationReceived = createAction(
  'chat/conversationReceived',
  (conversation: Conversation, reason: 'created' | 'updated') => ({
    // The same clock as RTK Query's request timestamps, which a list answer is compared with.
    payload: { conversation, reason, receivedAt: Date.now() },
  }),
);

/** [ext] A participant's read cursor moved (ours included: another tab or device). */
export const readCursorMoved = createAction<{
  conversationId: string;
  userId: number;
  messageId: string | null;
  /** Whether it is our own cursor (the middleware knows who we are). */
  mine: boolean;
  /** `created_ms` of the message, when the store has it. */
  createdMs: number | null;
}>('chat/readCursorMoved');

/**
 * The person has seen the messages of a conversation up to `messageId` (it
 * was visible in a focused page). Unread counts drop; [ext] the read cursor
 * is sent to the server.
 *
 * @example
 * ```ts
 * dispatch(messagesSeen({ conversationId, messageId: newest.id, createdMs: newest.created_ms }));
 * ```
 */
export const messagesSeen = createAction<{
  conversationId: string;
  messageId: string;
  /** The message's `created_ms`: the cursor only moves forward. */
  createdMs: number;
}>('chat/messagesSeen');

/**
 * A conversation came into view (or left it): while in view in a focused
 * page, new messages in it are not counted as unread. `dividerBefore` is
 * where a "new messages" divider goes, fixed for as long as it stays open.
 *
 * @example
 * ```ts
 * dispatch(conversationViewed({ conversationId, viewing: true }));
 * ```
 */
export const conversationViewed = createAction<{ conversationId: string; viewing: boolean }>(
  'chat/conversationViewed',
);

/** [ext] Someone is typing; shown until `until` (epoch ms) or their message arrives. */
export const typingReported = createAction<{
  conversationId: string;
  userId: number;
  until: number;
}>('chat/typingReported');

/** [ext] A typing indicator ran out. */
export const typingExpired = createAction<{ conversationId: string; userId: number }>(
  'chat/typingExpired',
);

/**
 * The person is typing in a composer: the middleware tells the others (at
 * most once every 3 s).
 *
 * @example
 * ```ts
 * dispatch(userTyping({ conversationId }));
 * ```
 */
export const userTyping = createAction<{ conversationId: string }>('chat/userTyping');

/** [ext] Users came online or went offline. */
export const presenceReceived =
  createAction<Array<{ userId: number; online: boolean; lastSeenAt: string | null }>>(
    'chat/presenceReceived',
  );

/**
 * Another tab of the same user changed drafts (seen in the shared storage):
 * `drafts` are the texts it wrote, `removed` the conversations whose draft
 * it cleared (say, by sending it). Unlike {@link draftsRestored} it
 * overwrites and removes, since the other tab's copy is the newer one.
 *
 * @example
 * ```ts
 * dispatch(draftsSynced({ drafts: { [conversationId]: 'typed in the other tab' }, removed: [] }));
 * ```
 */
export const draftsSynced = createAction<{ drafts: Record<string, string>; removed: string[] }>(
  'chat/draftsSynced',
);

/** Why a session ended. */
export type SessionEndReason = 'logout' | 'userChanged' | 'disposed';

/**
 * The chat session of a user began: the middleware saw who is logged in
 * (and restores that user's unsent messages and drafts).
 */
export const sessionStarted = createAction<{ userId: number }>('chat/sessionStarted');

/**
 * The session ended (logout, another user, or the instance's teardown):
 * every trace of the user leaves the state. Sent by `chat.endSession()`,
 * the {@link endChatSession} thunk, or `chat.dispose()`.
 */
export const sessionEnded = createAction<{ reason: SessionEndReason }>('chat/sessionEnded');

/** Several events that arrived together, applied in one dispatch (one render). */
export const eventsBatched = createAction<{ actions: Array<{ type: string; payload?: unknown }> }>(
  'chat/eventsBatched',
);
