import { createReducer } from '@reduxjs/toolkit';
import { authExpired, authRestored, sessionEnded, sessionStarted } from './events';

/** The `chat.session` state. */
export interface SessionState {
  /** Whose session this is: set once the middleware has seen who is logged in. */
  userId: number | null;
  /** Counts ended sessions: an async result of an earlier session is dropped. */
  generation: number;
  /** The token was rejected and could not be refreshed; cleared by the next authorized success. */
  authExpired: boolean;
}

const initialState: SessionState = { userId: null, generation: 0, authExpired: false };

/** The `chat.session` reducer. */
export const sessionReducer = createReducer<SessionState>(initialState, (builder) => {
  builder
    .addCase(sessionStarted, (state, { payload }) => {
      state.userId = payload.userId;
    })
    .addCase(sessionEnded, (state) => ({ ...initialState, generation: state.generation + 1 }))
    .addCase(authExpired, (state) => {
      state.authExpired = true;
    })
    .addCase(authRestored, (state) => {
      state.authExpired = false;
    });
});
