import type { ChatDispatch, ChatRootState } from 'unet-chat-redux';
import { useDispatch, useSelector, useStore } from 'react-redux';
import type { Store } from '@reduxjs/toolkit';

/** `useDispatch` typed for the chat's thunks and actions. */
export const useChatDispatch = useDispatch.withTypes<ChatDispatch>();

/** `useSelector` typed for a root state that contains the chat. */
export const useChatSelector = useSelector.withTypes<ChatRootState>();

/** `useStore` typed for a root state that contains the chat. */
export const useChatStore = useStore.withTypes<Store<ChatRootState>>();
