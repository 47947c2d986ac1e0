import { createReducer } from '@reduxjs/toolkit';
import { conversationRemoved, draftChanged, draftsRestored, draftsSynced } from './events';

/** The `chat.drafts` state: the unsent text of each conversation's composer. */
export type DraftsState = Record<string, string>;

/** Drafts longer than this are kept cut: a draft is not a document store. */
export const MAX_DRAFT_LENGTH = 20_000;

/** The `chat.drafts` reducer: kept across switching conversations (and, by the middleware, across reloads). */
export const draftsReducer = createReducer<DraftsState>({}, (builder) => {
  builder
    .addCase(draftChanged, (state, { payload }) => {
      if (payload.text.trim() === '') delete state[payload.conversationId];
      else state[payload.conversationId] = payload.text.slice(0, MAX_DRAFT_LENGTH);
    })
    .addCase(draftsRestored, (state, { payload }) => {
      for (const [conversationId, text] of Object.entries(payload.drafts)) {
        // A draft typed in this tab since wins over the stored one.
        if (typeof text === 'string' && text.trim() !== '' && !(conversationId in state))
          state[conversationId] = text.slice(0, MAX_DRAFT_LENGTH);
      }
    })
    .addCase(draftsSynced, (state, { payload }) => {
      for (const [conversationId, text] of Object.entries(payload.drafts)) {
        if (typeof text !== 'string' || text.trim() === '') delete state[conversationId];
        else state[conversationId] = text.slice(0, MAX_DRAFT_LENGTH);
      }
      for (const conversationId of payload.removed) delete state[conversationId];
    })
    .addCase(conversationRemoved, (state, { payload }) => {
      delete state[payload.id];
    });
});
