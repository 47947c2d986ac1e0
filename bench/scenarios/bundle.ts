import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from './context';

/**
 * Host bundle: what a host's production build pays, in bytes, for importing
 * parts of the package. The package is built from the current src/ with the
 * project's own tsup configuration (JavaScript only, into .tmp, so dist/ is
 * left alone); each case is then bundled by `measure()` of
 * scripts/bundle-size.mjs — esbuild, ESM, minified, tree-shaken, the peers
 * external — and gzipped.
 */

export interface BundleCase {
  name: string;
  source: string;
  minified: number;
  gzip: number;
}

/** One part of `createChat`'s bundle: a module of src/, or a folder of them. */
export interface BundlePart {
  part: string;
  /** Bytes of the part in the minified bundle. */
  minified: number;
}

export interface BundleResults {
  cases: BundleCase[];
  /**
   * Where `createChat`'s bytes go, by module of src/ (a folder counts as one
   * part where {@link PART_FOLDERS} says so), largest first. Bundled from
   * src/ with the same settings (plus esbuild's metafile), so the total is
   * close to, not exactly, the published build's.
   */
  createChatParts?: BundlePart[];
}

/** Folders whose modules make one feature, counted as one part. */
const PART_FOLDERS = ['src/socket/shared/', 'src/socket/adapters/'];

const PEERS = ['@reduxjs/toolkit', 'react', 'react-dom', 'react-redux', 'sonner'].flatMap(
  (name) => [name, `${name}/*`],
);

/** `createChat`'s minified bundle, by part: which modules a leaner design would have to leave out. */
export async function createChatParts(root: string): Promise<BundlePart[]> {
  const { build } = await import('esbuild');
  const result = await build({
    stdin: {
      contents: "import { createChat } from './src/index'; export default createChat;",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'esm',
    minify: true,
    treeShaking: true,
    platform: 'browser',
    define: { 'process.env.NODE_ENV': '"production"' },
    external: PEERS,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  const parts = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    if (bytesInOutput === 0 || input === '<stdin>') continue;
    const file = input.replace(/^.*node_modules\/([^/]+).*$/, '$1 (dependency)');
    const part = PART_FOLDERS.find((folder) => file.startsWith(folder)) ?? file;
    parts.set(part, (parts.get(part) ?? 0) + bytesInOutput);
  }
  return [...parts]
    .map(([part, minified]) => ({ part, minified }))
    .sort((a, b) => b.minified - a.minified);
}

/** The cases of the goals, plus the core entry for reference. */
export const BUNDLE_CASES = {
  'one selector':
    "import { selectConversations } from 'unet-chat-redux'; export default selectConversations;",
  createChat: "import { createChat } from 'unet-chat-redux'; export default createChat;",
  'core entry (everything)': "export * from 'unet-chat-redux';",
  'everything, React entry included':
    "export * from 'unet-chat-redux'; export * from 'unet-chat-redux/react';",
} as const;

type Measure = (source: string, resolveDir: string) => Promise<{ minified: number; gzip: number }>;

/** Builds the package as published (its exports map, its files) into `dir`. */
export async function buildPackage(root: string, dir: string): Promise<void> {
  const { build } = await import('tsup');
  const config = (await import(pathToFileURL(path.join(root, 'tsup.config.ts')).href)) as {
    default: Array<Record<string, unknown>> | { default: Array<Record<string, unknown>> };
  };
  const builds = Array.isArray(config.default) ? config.default : config.default.default;
  rmSync(dir, { recursive: true, force: true });
  const outDir = path.join(dir, 'dist');
  for (const options of builds) {
    await build({
      ...options,
      config: false,
      dts: false,
      sourcemap: false,
      silent: true,
      outDir,
      // Its only job is copying the stylesheet into dist/ (done below, into our dist).
      onSuccess: undefined,
    });
  }
  copyFileSync(path.join(root, 'src/react/styles.css'), path.join(outDir, 'styles.css'));
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const { name, version, type, main, module, types, exports, sideEffects } = manifest;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name, version, type, main, module, types, exports, sideEffects }, null, 2),
  );
}

export async function runBundle(context: Context): Promise<BundleResults> {
  const dir = path.join(context.root, '.tmp', 'bench-package');
  context.log('bundle: building the package from src/ (JavaScript only)');
  await buildPackage(context.root, dir);
  const script = pathToFileURL(path.join(context.root, 'scripts', 'bundle-size.mjs')).href;
  const { measure } = (await import(script)) as { measure: Measure };
  const cases: BundleCase[] = [];
  for (const [name, source] of Object.entries(BUNDLE_CASES)) {
    const { minified, gzip } = await measure(source, dir);
    cases.push({ name, source, minified, gzip });
    context.log(`bundle: ${name}: ${(gzip / 1024).toFixed(2)} kB gzip (${minified} B minified)`);
  }
  const parts = await createChatParts(context.root);
  const largest = parts
    .slice(0, 3)
    .map((part) => `${part.part} ${part.minified} B`)
    .join(', ');
  context.log(`bundle: createChat's largest parts (minified): ${largest}`);
  return { cases, createChatParts: parts };
}
