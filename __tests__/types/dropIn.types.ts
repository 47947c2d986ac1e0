/**
 * Type-level tests (checked by `npm run typecheck`, not run by jest): the
 * README's drop-in snippet compiles next to a host's own slice, and the
 * public selectors and hooks infer the host's full state.
 */
import { configureStore, createSlice } from '@reduxjs/toolkit';
import {
  createChat,
  selectConversations,
  selectMessagesOfConversation,
  submitMessage,
} from 'unet-chat-redux';
import type { ChatMessage, ConversationEntity } from 'unet-chat-redux';

const todos = createSlice({ name: 'todos', initialState: [] as string[], reducers: {} });

const chat = createChat({ baseUrl: 'https://uadmin.kstu.kg' });
const store = configureStore({
  reducer: { todos: todos.reducer, ...chat.reducers },
  middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat.middleware),
});

type RootState = ReturnType<typeof store.getState>;
const state: RootState = store.getState();

export const conversations: ConversationEntity[] = selectConversations(state);
export const messages: ChatMessage[] = selectMessagesOfConversation(state, 'id');
export const todoList: string[] = state.todos;
export const clientId: string | null = store.dispatch(
  submitMessage({ conversationId: 'id', text: 'hi' }),
);

// @ts-expect-error a state without the chat reducer is refused by the selectors
selectConversations({ todos: [] });
