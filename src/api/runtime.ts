import { createAction } from '@reduxjs/toolkit';
import type { Dispatch } from '@reduxjs/toolkit';
import { createDefaultEnvironment } from '../socket/environment';
import type { ChatEnvironment } from '../socket/environment';
import type { ChatSocketOptions } from '../socket/options';
import { createAuthorizedBaseQuery } from './baseQuery';
import type { ChatBaseQuery } from './baseQuery';
import type { ChatOptions } from './options';
import { createTokenRefresher } from './refresh';
import type { TokenRefresher } from './refresh';
import { readStoredAccessToken, readStoredUserId } from './tokens';

/** Options with every default filled in. */
export interface ResolvedChatOptions {
  baseUrl: string;
  apiPrefix: string;
  pageSize: number;
  socket: ResolvedSocketOptions;
}

/** Socket options with defaults; `factory` and `codec` stay optional until a socket is opened. */
export type ResolvedSocketOptions = Required<
  Omit<ChatSocketOptions, 'factory' | 'codec' | 'share' | 'shareAcrossTabs'>
> &
  Pick<ChatSocketOptions, 'factory' | 'codec' | 'share'>;

/**
 * Everything one chat instance needs at run time and must not put into
 * Redux state: functions, the shared token refresher, the base query.
 */
export interface ChatRuntime {
  readonly options: ResolvedChatOptions;
  readonly environment: ChatEnvironment;
  readonly refresher: TokenRefresher;
  readonly baseQuery: ChatBaseQuery;
  getAccessToken(): string | null;
  getCurrentUserId(): number | null;
  /**
   * Listeners called with every action after the reducers have seen it (the
   * React hooks' way to hear events without dispatching a non-serializable
   * `addListener` action).
   */
  readonly actionWatchers: Set<(action: unknown) => void>;
  /** Ends the session of the store this runtime serves; set by the chat middleware. */
  endSession(reason?: 'logout' | 'userChanged' | 'disposed'): void;
}

export const DEFAULT_PAGE_SIZE = 50;

/** Builds the runtime of one chat instance. */
export function createChatRuntime(options: ChatOptions, onAuthExpired: () => void): ChatRuntime {
  const { storage } = options;
  const getAccessToken = options.getAccessToken ?? (() => readStoredAccessToken(storage));
  const getCurrentUserId = options.getCurrentUserId ?? (() => readStoredUserId(storage));
  const refresher = createTokenRefresher(options.refreshAccessToken, onAuthExpired);
  const baseUrl = options.baseUrl ?? '';
  const apiPrefix = options.apiPrefix ?? '/api/unet-chat';
  const socket = options.socket ?? {};

  return {
    options: {
      baseUrl,
      apiPrefix,
      pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
      socket: {
        enabled: socket.enabled ?? true,
        factory: socket.factory,
        codec: socket.codec,
        maxAttempts: socket.maxAttempts ?? 5,
        baseDelayMs: socket.baseDelayMs ?? 1000,
        maxDelayMs: socket.maxDelayMs ?? 30_000,
        slowRetryMs: socket.slowRetryMs ?? 30_000,
        connectTimeoutMs: socket.connectTimeoutMs ?? 10_000,
        tokenIn: socket.tokenIn ?? 'query',
        stream: socket.stream ?? 'auto',
        heartbeat: socket.heartbeat ?? false,
        historyDelayMs: socket.historyDelayMs ?? 1500,
        share: socket.share,
      },
    },
    environment: options.environment ?? createDefaultEnvironment(),
    refresher,
    baseQuery: createAuthorizedBaseQuery({
      baseUrl,
      apiPrefix,
      fetchFn: options.fetchFn,
      timeoutMs: options.timeoutMs ?? 15_000,
      maxRetries: options.maxRetries ?? 3,
      retryDelay: options.retryDelay,
      getAccessToken,
      refresher,
    }),
    getAccessToken,
    getCurrentUserId,
    actionWatchers: new Set(),
    endSession: () => undefined,
  };
}

/**
 * Asks the store's chat middleware for its runtime. The middleware answers
 * this action itself and never passes it on, so it reaches no reducer and
 * no DevTools log; it lets one module-level API slice serve many stores,
 * each with its own server and credentials.
 */
export const runtimeRequested = createAction('chat/runtimeRequested');

const RUNTIME = Symbol.for('unet-chat-redux/runtime');

/** Marks an object as a runtime, so a dispatch result can be recognized. */
export function brandRuntime<Runtime extends ChatRuntime>(runtime: Runtime): Runtime {
  return Object.assign(runtime, { [RUNTIME]: true });
}

/** The runtime of the store behind `dispatch`; a clear error when the middleware is missing. */
export function resolveRuntime(dispatch: Dispatch | ((action: unknown) => unknown)): ChatRuntime {
  const answer: unknown = (dispatch as (action: unknown) => unknown)(runtimeRequested());
  if (answer && typeof answer === 'object' && RUNTIME in answer)
    return answer as unknown as ChatRuntime;
  throw new Error(
    'unet-chat-redux: the chat middleware is missing. Add `chat.middleware` to your configureStore middleware (see the README).',
  );
}
