/**
 * Type-checked in the consumer app (strict TS, every module resolution): the
 * server render of docs/ssr.md, with the testing entry's fake server.
 */
import { configureStore } from '@reduxjs/toolkit';
import { renderToString } from 'react-dom/server';
import { Provider } from 'react-redux';
import { chatApi } from 'unet-chat-redux';
import { ChatContainer, ChatLocaleProvider, ruLocale } from 'unet-chat-redux/react';
import { enLocale } from 'unet-chat-redux/react/locales/en';
import { createTestChat, fakeConversation } from 'unet-chat-redux/testing';

export async function renderChat(language: 'ru' | 'en'): Promise<string> {
  const test = createTestChat({ conversations: [fakeConversation(1)] });
  const store = configureStore({
    reducer: test.chat.reducers,
    middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(test.chat.middleware),
  });
  await store.dispatch(chatApi.endpoints.getConversations.initiate());
  const html = renderToString(
    <Provider store={store}>
      <ChatLocaleProvider locale={language === 'en' ? enLocale : ruLocale}>
        <ChatContainer />
      </ChatLocaleProvider>
    </Provider>,
  );
  test.dispose();
  return html;
}
