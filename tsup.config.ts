import { copyFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import type { Options } from 'tsup';
import { pureAnnotations } from './scripts/pureAnnotations';

/** Peers and dependencies stay imports: the host's bundler resolves (and dedupes) them. */
const external = [
  '@reduxjs/toolkit',
  'react',
  'react-dom',
  'react-redux',
  'normalizr',
  'sonner',
  '@tanstack/react-virtual',
];

const shared: Options = {
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  target: 'es2020',
  // esbuild's own tree shaking; top-level factory calls carry `@__PURE__` for the host's bundler.
  esbuildPlugins: [pureAnnotations()],
  // `dist` is emptied by the `build` script: the builds run side by side here.
  clean: false,
};

export default defineConfig([
  { ...shared, entry: { index: 'src/index.ts' }, external },
  {
    ...shared,
    // The React and testing entries import the core by name, so a host has one
    // API slice and one set of actions whichever entry it imports.
    entry: { 'react/index': 'src/react/index.ts' },
    external: ['unet-chat-redux', ...external],
    // For React Server Components frameworks: the entry's hooks and components run on the client.
    banner: { js: '"use client";' },
    async onSuccess() {
      // The stylesheet ships as a plain file the host imports (`unet-chat-redux/styles.css`).
      copyFileSync('src/react/styles.css', 'dist/styles.css');
    },
  },
  {
    ...shared,
    // Optional features in entries of their own: a host that does not import one does not bundle it.
    entry: { 'tabs/index': 'src/tabs.ts' },
    external: ['unet-chat-redux', ...external],
  },
  {
    ...shared,
    // Languages beyond the React entry's Russian, one entry each (the host passes the one it wants).
    entry: { 'react/locales/en': 'src/react/i18n/locales/en.ts' },
    external: ['unet-chat-redux', 'unet-chat-redux/react', ...external],
  },
  {
    ...shared,
    entry: { 'testing/index': 'src/testing/index.ts' },
    external: ['unet-chat-redux', ...external],
  },
]);
