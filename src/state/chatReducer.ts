import { combineReducers } from '@reduxjs/toolkit';
import type { UnknownAction } from '@reduxjs/toolkit';
import { connectionsReducer } from './connectionsSlice';
import { conversationsReducer } from './conversationsSlice';
import { diagnosticsReducer } from './diagnosticsSlice';
import { draftsReducer } from './draftsSlice';
import { eventsBatched, sessionEnded } from './events';
import { messagesReducer } from './messagesSlice';
import { noticesReducer } from './noticesSlice';
import { presenceReducer } from './presenceSlice';
import { readsReducer } from './readsSlice';
import { sessionReducer } from './sessionSlice';
import { typingReducer } from './typingSlice';
import { usersReducer } from './usersSlice';
import { otherTabsReducer } from './otherTabsSlice';

const combined = combineReducers({
  conversations: conversationsReducer,
  messages: messagesReducer,
  connections: connectionsReducer,
  users: usersReducer,
  notices: noticesReducer,
  drafts: draftsReducer,
  reads: readsReducer,
  typing: typingReducer,
  presence: presenceReducer,
  session: sessionReducer,
  diagnostics: diagnosticsReducer,
  otherTabs: otherTabsReducer,
});

/** The state the package keeps under `state.chat`. */
export type ChatState = ReturnType<typeof combined>;

const INIT = { type: '@@unet-chat/init' };

/**
 * The `chat` reducer. A batch of socket events arrives as one
 * `eventsBatched` action and is applied event by event, in order, so a burst
 * of a thousand frames is one state change and one render. A session's end
 * leaves nothing of it: every part starts over (the session counts on).
 */
export function chatReducer(state: ChatState | undefined, action: UnknownAction): ChatState {
  if (eventsBatched.match(action)) {
    return action.payload.actions.reduce<ChatState>(
      (current, inner) => combined(current, inner as UnknownAction),
      combined(state, INIT),
    );
  }
  if (sessionEnded.match(action)) {
    const fresh = combined(undefined, INIT);
    return { ...fresh, session: sessionReducer(state?.session, action) };
  }
  return combined(state, action);
}
