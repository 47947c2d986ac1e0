import { createReducer } from '@reduxjs/toolkit';
import { conversationRemoved, messagesReceived, typingExpired, typingReported } from './events';

/** The `chat.typing` state: who is typing where, until when (epoch ms). */
export type TypingState = Record<string, Record<number, number>>;

/** The `chat.typing` reducer: an indicator ends when it runs out or the person's message arrives. */
export const typingReducer = createReducer<TypingState>({}, (builder) => {
  builder
    .addCase(typingReported, (state, { payload }) => {
      (state[payload.conversationId] ??= {})[payload.userId] = payload.until;
    })
    .addCase(typingExpired, (state, { payload }) => {
      const typing = state[payload.conversationId];
      if (!typing) return;
      delete typing[payload.userId];
      if (Object.keys(typing).length === 0) delete state[payload.conversationId];
    })
    .addCase(messagesReceived, (state, { payload }) => {
      const typing = state[payload.conversationId];
      if (!typing || payload.updatesOnly) return;
      for (const id of payload.ids) {
        const sender = payload.entities[id]?.sender_id;
        if (sender !== undefined) delete typing[sender];
      }
      if (Object.keys(typing).length === 0) delete state[payload.conversationId];
    })
    .addCase(conversationRemoved, (state, { payload }) => {
      delete state[payload.id];
    });
});
