import { copyFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'react/index': 'src/react/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2020',
  treeshake: true,
  external: [
    'unet-chat-redux',
    '@reduxjs/toolkit',
    'react',
    'react-dom',
    'react-redux',
    'normalizr',
    'sonner',
    '@tanstack/react-virtual',
  ],
  async onSuccess() {
    // The stylesheet ships as a plain file the host imports (`unet-chat-redux/styles.css`).
    copyFileSync('src/react/styles.css', 'dist/styles.css');
  },
});
