import { createReducer } from '@reduxjs/toolkit';
import { authExpired, authRestored } from './events';

/** The `chat.session` state. */
export interface SessionState {
  /** The token was rejected and could not be refreshed; cleared by the next authorized success. */
  authExpired: boolean;
}

/** The `chat.session` reducer. */
export const sessionReducer = createReducer<SessionState>({ authExpired: false }, (builder) => {
  builder
    .addCase(authExpired, (state) => {
      state.authExpired = true;
    })
    .addCase(authRestored, (state) => {
      state.authExpired = false;
    });
});
