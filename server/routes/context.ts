import type { TokenService } from '../auth';
import type { ChatService } from '../chat';
import type { Store } from '../store';

/** What every route module is given. */
export interface RouteContext {
  chat: ChatService;
  store: Store;
  tokens: TokenService;
}
