import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The demo imports the package by its public names only; the aliases point
 * them at the sources, so the demo always shows the working tree.
 */
export default defineConfig({
  root: here('.'),
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^unet-chat-redux\/react$/, replacement: here('../src/react/index.ts') },
      {
        find: /^unet-chat-redux\/react\/locales\/en$/,
        replacement: here('../src/react/i18n/locales/en.ts'),
      },
      { find: /^unet-chat-redux\/tabs$/, replacement: here('../src/tabs.ts') },
      { find: /^unet-chat-redux\/styles\.css$/, replacement: here('../src/react/styles.css') },
      { find: /^unet-chat-redux$/, replacement: here('../src/index.ts') },
    ],
  },
  build: { outDir: here('dist'), emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1000 },
  server: {
    // `npm run dev:demo` next to `npm run dev:server`: the API and sockets are proxied.
    proxy: { '/api': { target: 'http://127.0.0.1:8787', ws: true } },
  },
});
