// Run in an app that has the package and Redux Toolkit but no React at all:
// the core and testing entries load and work, in both module systems.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { configureStore } from '@reduxjs/toolkit';

const require = createRequire(import.meta.url);
for (const name of ['react', 'react-dom', 'react-redux']) {
  assert.throws(() => require.resolve(name), /Cannot find module/, `${name} must be absent`);
}

async function exercise({ core, testing }, system) {
  const test = testing.createTestChat({ conversations: [testing.fakeConversation(1)] });
  const store = configureStore({
    reducer: { ...test.chat.reducers },
    middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(test.chat.middleware),
  });
  await store.dispatch(core.chatApi.endpoints.getConversations.initiate());
  assert.equal(core.selectConversations(store.getState()).length, 1, system);
  test.dispose();
}

await exercise(
  { core: await import('unet-chat-redux'), testing: await import('unet-chat-redux/testing') },
  'esm',
);
await exercise(
  { core: require('unet-chat-redux'), testing: require('unet-chat-redux/testing') },
  'cjs',
);
await assert.rejects(import('unet-chat-redux/react'), /react/, 'the React entry needs React');
console.log(
  'consumer (no React installed): the core and testing entries load and run, ESM and CJS',
);
