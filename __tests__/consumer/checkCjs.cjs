// Run in the consumer app: the packed package, required by name as CommonJS,
// renders ChatContainer on the server with the conversations in its store.
/* global require, console, process */
/* eslint-disable @typescript-eslint/no-require-imports -- this file checks the CommonJS entry points */
const assert = require('node:assert/strict');
const { createElement } = require('react');
const { renderToString } = require('react-dom/server');
const { Provider } = require('react-redux');
const { configureStore } = require('@reduxjs/toolkit');
const { chatApi, selectConversations } = require('unet-chat-redux');
const { ChatContainer, chatApiHooks } = require('unet-chat-redux/react');
const { createTestChat, fakeConversation } = require('unet-chat-redux/testing');
const { enStrings } = require('unet-chat-redux/react/locales/en');
const { createSharedSocketFactory } = require('unet-chat-redux/tabs');

async function main() {
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
  assert.equal(enStrings.send, 'Send', 'the English pack of its own entry');
  assert.equal(typeof createSharedSocketFactory, 'function', 'the tabs entry');
  test.dispose();
  console.log('consumer (CJS): requires the entries, renders ChatContainer to a string');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
