import type { ThunkDispatch, UnknownAction } from '@reduxjs/toolkit';
import type { ChatRuntime } from '../api/runtime';
import type { ChatRootState } from '../state/selectors';
import type { ConnectionStatus } from '../state/model';
import type { ClientFrame } from './codec';
import type { ConversationConnection } from './connection';
import type { Outbox } from './listeners/outbound';
import type { Persistence } from './listeners/persistence';
import type { SyncRunner } from './listeners/sync';

/** The dispatch the listeners use: thunks (RTK Query's `initiate`) and plain actions. */
export type ChatDispatch = ThunkDispatch<ChatRootState, unknown, UnknownAction>;

/** What the store lends the socket layer once it is created. */
export interface ChatStoreAccess {
  dispatch: ChatDispatch;
  getState(): ChatRootState;
}

/**
 * What the outbox and the sync see of a conversation's socket: its own
 * (the seed), or [ext] the user stream on its behalf.
 */
export interface SocketChannel {
  readonly isOpen: boolean;
  readonly status: ConnectionStatus;
  send(frame: ClientFrame): boolean;
  /** Abandons the socket as dead and reconnects (see `ConversationConnection.restart`). */
  restart(reason: string): void;
}

/** What the real-time layer has learned about the server it talks to. */
export interface ServerFlags {
  /** The server echoes `client_id` ([ext]), and so deduplicates a send repeated with it. */
  serverDedupes: boolean;
  /** [ext] The extensions the server says it has (`GET /extensions/`); null until it answered. */
  extensions: Set<string> | null;
}

/**
 * Everything the real-time listeners share for one store. It lives in the
 * middleware's closure, never in Redux state: sockets, timers and promises
 * are not serializable and must not be replayed by time travel.
 */
export interface SocketBase {
  runtime: ChatRuntime;
  /** Set when the store applies the middleware. */
  store: ChatStoreAccess | null;
  /** Open (or reconnecting) sockets of single conversations, by conversation id. */
  connections: Map<string, ConversationConnection>;
  /** The socket a conversation's frames go through now, if any (set by the connect listeners). */
  socketFor(conversationId: string): SocketChannel | undefined;
  /** Cleanups to run on dispose (timers, environment subscriptions). */
  cleanups: Set<() => void>;
  flags: ServerFlags;
  /** How many `subscribeToWorkspace()` calls are live (counted by the connect listeners). */
  workspaceSubscribers: number;
  /** The outbox asks the sync for one catch-up, to learn whether an unconfirmed send landed. */
  requestSyncCheck(conversationId: string): void;
  /** The sync tells the outbox such a catch-up is done. */
  onSyncChecked?(conversationId: string): void;
  /** The extensions probe (`GET /extensions/`) started: sockets wait for its answer (briefly). */
  onExtensionsAsked?(): void;
  /**
   * The server said which extensions it has (the connect listeners may switch
   * to the user stream), or null: it did not say (a seed server, a failed probe).
   */
  onExtensions?(extensions: ReadonlySet<string> | null): void;
}

/** The shared parts plus the handlers the others call. */
export interface SocketContext extends SocketBase {
  sync: SyncRunner;
  outbox: Outbox;
  persistence: Persistence;
  /** Closes every socket (the session ended); set by the connect listeners. */
  closeAllSockets(report: boolean): void;
  /** Reconnects every socket that failed (the credentials work again); set by the connect listeners. */
  reconnectFailedSockets(): void;
}
