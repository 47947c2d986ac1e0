import { createEntityAdapter, createReducer } from '@reduxjs/toolkit';
import type { EntityState } from '@reduxjs/toolkit';
import { chatApi } from '../api/chatApi';
import type { ChatUser } from '../api/types';
import { usersReceived } from './events';

/** The `chat.users` state: the user directory, by id. */
export type UsersState = EntityState<ChatUser, number>;

export const usersAdapter = createEntityAdapter<ChatUser>({
  sortComparer: (a, b) => a.full_name.localeCompare(b.full_name),
});

/** The `chat.users` reducer: fed by the [ext] directory endpoint or by the host. */
export const usersReducer = createReducer(usersAdapter.getInitialState(), (builder) => {
  builder
    .addCase(usersReceived, (state, { payload }) => usersAdapter.upsertMany(state, payload))
    .addMatcher(chatApi.endpoints.getUsers.matchFulfilled, (state, { payload }) =>
      usersAdapter.upsertMany(state, payload),
    );
});
