// What a host pays, in bytes, for importing parts of the package: each case is
// bundled the way a host's production build would (esbuild, ESM, minified,
// tree-shaken) with the peers external, then gzipped. Run after `npm run build`:
//   node scripts/bundle-size.mjs [--json]
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The host pays for the package and its dependencies, not for its peers. */
const peers = ['@reduxjs/toolkit', 'react', 'react-dom', 'react-redux', 'sonner'].flatMap(
  (name) => [name, `${name}/*`],
);

export const cases = {
  'one selector':
    "import { selectConversations } from 'unet-chat-redux'; export default selectConversations;",
  createChat: "import { createChat } from 'unet-chat-redux'; export default createChat;",
  'core entry (everything)': "export * from 'unet-chat-redux';",
  'everything, React entry included':
    "export * from 'unet-chat-redux'; export * from 'unet-chat-redux/react';",
};

/** Bundles `source` as a host's production build would; `{ code: true }` also returns the code. */
export async function measure(source, resolveDir = root, { code: keep = false } = {}) {
  const result = await build({
    stdin: { contents: source, resolveDir, loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    minify: true,
    treeShaking: true,
    platform: 'browser',
    conditions: ['import', 'module', 'browser', 'default'],
    define: { 'process.env.NODE_ENV': '"production"' },
    external: peers,
    // Resolve the package as a host would, through its exports map (not this repo's tsconfig paths).
    tsconfigRaw: '{}',
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0].contents;
  const sizes = { minified: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  return keep ? { ...sizes, code: result.outputFiles[0].text } : sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = [];
  for (const [name, source] of Object.entries(cases))
    rows.push({ name, ...(await measure(source)) });
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
  else {
    for (const { name, minified, gzip } of rows) {
      console.log(
        `${name.padEnd(36)} ${(minified / 1024).toFixed(1).padStart(7)} kB min ${(gzip / 1024).toFixed(1).padStart(6)} kB gzip`,
      );
    }
  }
}
