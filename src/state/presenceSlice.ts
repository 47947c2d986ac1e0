import { createReducer } from '@reduxjs/toolkit';
import { presenceReceived } from './events';

/** Whether a user is online, and when they were last seen. */
export interface UserPresence {
  online: boolean;
  /** ISO 8601; null when unknown. */
  lastSeenAt: string | null;
}

/** The `chat.presence` state, by user id. */
export type PresenceState = Record<number, UserPresence>;

/** The `chat.presence` reducer ([ext]: fed by the user stream or `GET /presence/`). */
export const presenceReducer = createReducer<PresenceState>({}, (builder) => {
  builder.addCase(presenceReceived, (state, { payload }) => {
    for (const { userId, online, lastSeenAt } of payload) {
      const known = state[userId];
      state[userId] = { online, lastSeenAt: lastSeenAt ?? known?.lastSeenAt ?? null };
    }
  });
});
