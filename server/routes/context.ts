import type { Authenticator, TokenService } from '../auth';
import type { ChatService } from '../chat';
import type { PresenceTracker } from '../presence';
import type { KeyedBuckets } from '../rateLimit';
import type { AuthSessions } from '../sessions';
import type { Store } from '../store';

/** The REST rate limits in force (null: off). */
export interface RestLimits {
  writesPerUser: KeyedBuckets<number> | null;
  loginFailuresPerUsername: KeyedBuckets<string> | null;
  loginAttemptsPerAddress: KeyedBuckets<string> | null;
}

/** What every route module is given. */
export interface RouteContext {
  chat: ChatService;
  store: Store;
  tokens: TokenService;
  sessions: AuthSessions;
  auth: Authenticator;
  limits: RestLimits;
  /** [ext] null in seed-only mode. */
  presence: PresenceTracker | null;
}
