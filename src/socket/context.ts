import type { ThunkDispatch, UnknownAction } from '@reduxjs/toolkit';
import type { ChatRuntime } from '../api/runtime';
import type { ChatRootState } from '../state/selectors';
import type { ConversationConnection } from './connection';
import type { Outbox } from './listeners/outbound';

/** The dispatch the listeners use: thunks (RTK Query's `initiate`) and plain actions. */
export type ChatDispatch = ThunkDispatch<ChatRootState, unknown, UnknownAction>;

/** What the store lends the socket layer once it is created. */
export interface ChatStoreAccess {
  dispatch: ChatDispatch;
  getState(): ChatRootState;
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
  /** Open (or reconnecting) connections by conversation id. */
  connections: Map<string, ConversationConnection>;
  /** Cleanups to run on dispose (timers, environment subscriptions). */
  cleanups: Set<() => void>;
}

/** The shared parts plus the handlers the others call. */
export interface SocketContext extends SocketBase {
  /** Runs `sync` (history or catch-up) for a conversation; see listeners/catchUp. */
  sync(conversationId: string): Promise<void>;
  /** Pending messages waiting to go out; see listeners/outbound. */
  outbox: Outbox;
}
