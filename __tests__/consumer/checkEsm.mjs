// Run in the consumer app: the packed package, imported by name as ES modules,
// renders ChatContainer on the server with the conversations in its store.
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { Provider } from 'react-redux';
import { configureStore } from '@reduxjs/toolkit';
import { chatApi, selectConversations } from 'unet-chat-redux';
import { ChatContainer, chatApiHooks, ChatLocaleProvider } from 'unet-chat-redux/react';
import { enLocale } from 'unet-chat-redux/react/locales/en';
import { shareAcrossTabs } from 'unet-chat-redux/tabs';
import { createTestChat, fakeConversation } from 'unet-chat-redux/testing';

assert.equal(chatApiHooks, chatApi, 'the React entry shares the core API slice');
const test = createTestChat({ conversations: [fakeConversation(1, { title: 'Приёмная' })] });
const store = configureStore({
  reducer: test.chat.reducers,
  middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(test.chat.middleware),
});
await store.dispatch(chatApi.endpoints.getConversations.initiate());
assert.equal(selectConversations(store.getState()).length, 1);
const html = renderToString(createElement(Provider, { store }, createElement(ChatContainer)));
assert.match(html, /class="ucr-layout/);
assert.match(html, /Приёмная/);
const english = renderToString(
  createElement(
    Provider,
    { store },
    createElement(ChatLocaleProvider, { locale: enLocale }, createElement(ChatContainer)),
  ),
);
assert.match(english, /Chats/, 'the English pack of its own entry');
assert.equal(shareAcrossTabs().feature, 'shareAcrossTabs', 'the tabs entry');
test.dispose();
console.log(
  'consumer (ESM): imports the entries, renders ChatContainer to a string (Russian and English)',
);
