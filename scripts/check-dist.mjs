// Loads the built package the way a host would — by its name, through the
// `exports` map — in both module systems, and checks that the React entry
// shares the core's single API slice instead of bundling a second copy.
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const cjsCore = require('unet-chat-redux');
const cjsReact = require('unet-chat-redux/react');
const esmCore = await import('unet-chat-redux');
const esmReact = await import('unet-chat-redux/react');

for (const [name, core, react] of [
  ['cjs', cjsCore, cjsReact],
  ['esm', esmCore, esmReact],
]) {
  assert.equal(typeof core.createChat, 'function', `${name}: createChat`);
  assert.equal(core.chatApi.reducerPath, 'chatApi', `${name}: chatApi`);
  assert.equal(typeof react.ChatContainer, 'function', `${name}: ChatContainer`);
  assert.equal(typeof react.useWebSocket, 'function', `${name}: useWebSocket`);
}
for (const file of ['dist/react/index.js', 'dist/react/index.mjs']) {
  assert.ok(
    !readFileSync(file, 'utf8').includes('createApi('),
    `${file} must import the core, not bundle it`,
  );
}
console.log('dist: the package loads by name from CommonJS and ES modules');
