// Loads the built package the way a host would — by its name, through the
// `exports` map — in both module systems, and checks what the build promises:
// the React and testing entries share the core's single API slice instead of
// bundling a second copy, the React entry is marked "use client", the core
// loads no React, and importing one selector leaves the rest of the package out.
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { measure } from './bundle-size.mjs';

const require = createRequire(import.meta.url);
const cjs = {
  core: require('unet-chat-redux'),
  react: require('unet-chat-redux/react'),
  testing: require('unet-chat-redux/testing'),
};
const esm = {
  core: await import('unet-chat-redux'),
  react: await import('unet-chat-redux/react'),
  testing: await import('unet-chat-redux/testing'),
};

for (const [name, { core, react, testing }] of Object.entries({ cjs, esm })) {
  assert.equal(typeof core.createChat, 'function', `${name}: createChat`);
  assert.equal(core.chatApi.reducerPath, 'chatApi', `${name}: chatApi`);
  assert.equal(typeof react.ChatContainer, 'function', `${name}: ChatContainer`);
  assert.equal(typeof react.useWebSocket, 'function', `${name}: useWebSocket`);
  // The hooks were attached to the core's own slice: one API slice, one cache.
  assert.equal(react.chatApiHooks, core.chatApi, `${name}: one API slice`);
  assert.equal(
    typeof core.chatApi.endpoints.getConversations.useQuery,
    'function',
    `${name}: hooks`,
  );
  assert.equal(react.useGetConversationsQuery, core.chatApi.useGetConversationsQuery, name);
  assert.equal(typeof testing.createTestChat, 'function', `${name}: createTestChat`);
  assert.equal(testing.createMemoryTransport, core.createMemoryTransport, `${name}: one core`);
}

const importsOf = (file) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from |require\()["']([^"']+)["']/g)].map(
    ([, specifier]) => specifier,
  );
for (const entry of ['react', 'testing']) {
  for (const file of [`dist/${entry}/index.js`, `dist/${entry}/index.mjs`]) {
    assert.ok(
      !readFileSync(file, 'utf8').includes('createApi('),
      `${file} must import the core, not bundle it`,
    );
    assert.ok(importsOf(file).includes('unet-chat-redux'), `${file} imports the core by name`);
  }
}
for (const file of [
  'dist/index.js',
  'dist/index.mjs',
  'dist/testing/index.js',
  'dist/testing/index.mjs',
]) {
  const reactImports = importsOf(file).filter((specifier) =>
    /^(react|react-dom|react-redux|sonner|@tanstack\/react-virtual)(\/|$)|\/query\/react$/.test(
      specifier,
    ),
  );
  assert.deepEqual(reactImports, [], `${file} must not import React`);
}

// Bundlers drop module-level directives of files they bundle, and warn; the
// directive must open the entry's built files for RSC frameworks to see it.
for (const file of ['dist/react/index.js', 'dist/react/index.mjs']) {
  assert.match(readFileSync(file, 'utf8'), /^"use client";\n/, `${file} starts with "use client"`);
}
for (const file of ['dist/index.mjs', 'dist/testing/index.mjs']) {
  assert.doesNotMatch(readFileSync(file, 'utf8'), /"use client"/, `${file} is not client-only`);
}

// Tree shaking: a host that imports one selector gets neither the API slice
// nor the socket layer (sizes are measured by `npm run size`, not asserted).
const oneSelector = await measure(
  "import { selectConversations } from 'unet-chat-redux'; export default selectConversations;",
  undefined,
  { code: true },
);
// Markers of the API slice, the runtime lookup, the socket layer's actions and the routes
// (imports of the externals themselves may stay: a bundler cannot know they are pure).
for (const marker of [
  'unet-chat-redux/late-modules',
  'chat/runtimeRequested',
  'chat/messageComposed',
  '/participants/',
]) {
  assert.ok(!oneSelector.code.includes(marker), `one selector must not bundle ${marker}`);
}

// Optional features are imports the host passes in: createChat alone leaves tab sharing
// (unet-chat-redux/tabs) and the durable outbox (persistToStorage) out, and the React
// entry bundles Russian only (English is unet-chat-redux/react/locales/en).
const createChatOnly = await measure(
  "import { createChat } from 'unet-chat-redux'; export default createChat;",
  undefined,
  { code: true },
);
for (const marker of ['unet-chat-redux:sockets', 'unet-chat-redux:tab']) {
  assert.ok(!createChatOnly.code.includes(marker), `createChat alone must not bundle ${marker}`);
}
const withTabs = await measure(
  "import { shareAcrossTabs } from 'unet-chat-redux/tabs'; export default shareAcrossTabs;",
  undefined,
  { code: true },
);
assert.ok(withTabs.code.includes('unet-chat-redux:sockets'), 'the tabs entry carries tab sharing');
const reactOnly = await measure("export * from 'unet-chat-redux/react';", undefined, {
  code: true,
});
assert.ok(!reactOnly.code.includes('Reconnecting'), 'the React entry must not bundle English');
assert.ok(
  (
    await measure("export * from 'unet-chat-redux/react/locales/en';", undefined, { code: true })
  ).code.includes('Reconnecting'),
  'the English entry carries the English strings',
);

console.log(
  'dist: the entries load by name from CommonJS and ES modules, share one API slice, the React entry is "use client", one selector tree-shakes, and createChat leaves the optional features out',
);
