import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import type { BenchPage } from '../render/page';
import { conversationId, messageId } from '../fixtures';
import type { Context } from './context';
import { buildPackage } from './bundle';
import { waitForClients } from './sockets';

/**
 * Rendering in headless Chromium (Debian's, through playwright-core), on a
 * production build: bench/render/page.tsx is bundled with esbuild
 * (`NODE_ENV=production`, react-dom's profiling build so the React Profiler
 * reports) against the package as built from src/. The page loads a
 * conversation of 10,000 into the store, then renders `<ChatMessages>`:
 * - rows in the DOM once it has settled;
 * - one appended message: which components rendered, commit by commit (a
 *   React DevTools hook in the page: mounted or performed work), and the
 *   Profiler's commits;
 * - a burst of 1,000 frames: Profiler commits from the first frame until the
 *   store holds the last message and nothing has committed for 500 ms.
 */

export interface RenderResults {
  available: boolean;
  reason: string | null;
  conversation: number;
  burst: number;
  /** First commit after `root.render`, ms (page clock). */
  mountMs: number;
  /** Message rows in the DOM after opening. */
  rowsOnOpen: number;
  rowsAfterBurst: number;
  append: {
    commits: number;
    /** Component name → renders, over the commits of the append. */
    components: Record<string, number>;
    /** Rows that rendered: the new one (mounted) and any other. */
    rows: Array<{ id: string; mounted: boolean }>;
    newId: string;
    /** The message just before the new one. */
    previousId: string;
  };
  burstCommits: number;
  burstComponents: Record<string, number>;
  burstRowRenders: number;
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const CONVERSATION = 0;

/** Resolves the package's entries to the build in `dir` (as a host's bundler resolves them). */
function packageFrom(dir: string): Plugin {
  const files: Record<string, string> = {
    'unet-chat-redux': path.join(dir, 'dist/index.mjs'),
    'unet-chat-redux/react': path.join(dir, 'dist/react/index.mjs'),
    'unet-chat-redux/styles.css': path.join(dir, 'dist/styles.css'),
  };
  return {
    name: 'package-from-build',
    setup(build) {
      build.onResolve({ filter: /^unet-chat-redux(\/.*)?$/ }, (args) => {
        const file = files[args.path];
        return file ? { path: file } : { errors: [{ text: `no build of ${args.path}` }] };
      });
    },
  };
}

async function buildPage(context: Context, out: string): Promise<void> {
  const packageDir = path.join(context.root, '.tmp', 'bench-package');
  if (!existsSync(path.join(packageDir, 'dist', 'react', 'index.mjs'))) {
    context.log('render: building the package from src/ (JavaScript only)');
    await buildPackage(context.root, packageDir);
  }
  const { build } = await import('esbuild');
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: { page: path.join(__dirname, '../render/page.tsx') },
    outdir: out,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    // Production React; names kept so the DevTools hook can tell components apart.
    define: { 'process.env.NODE_ENV': '"production"' },
    minify: true,
    keepNames: true,
    alias: { 'react-dom/client': 'react-dom/profiling' },
    plugins: [packageFrom(packageDir)],
    tsconfigRaw: '{"compilerOptions":{"jsx":"react-jsx"}}',
    logLevel: 'silent',
  });
  copyFileSync(path.join(__dirname, '../render/index.html'), path.join(out, 'index.html'));
}

function sum(records: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const total: Record<string, number> = {};
  for (const record of records)
    for (const [name, count] of Object.entries(record)) total[name] = (total[name] ?? 0) + count;
  return total;
}

export async function runRender(context: Context): Promise<RenderResults> {
  const { conversation: size, burst } = context.sizes.render;
  const empty: RenderResults = {
    available: false,
    reason: null,
    conversation: size,
    burst,
    mountMs: Number.NaN,
    rowsOnOpen: Number.NaN,
    rowsAfterBurst: Number.NaN,
    append: { commits: Number.NaN, components: {}, rows: [], newId: '', previousId: '' },
    burstCommits: Number.NaN,
    burstComponents: {},
    burstRowRenders: Number.NaN,
  };
  if (!existsSync(CHROMIUM_PATH)) {
    context.log(`render: skipped, no Chromium at ${CHROMIUM_PATH}`);
    return { ...empty, reason: `no Chromium at ${CHROMIUM_PATH}` };
  }
  const out = path.join(context.root, '.tmp', 'bench-render');
  context.log('render: building the bench page');
  await buildPage(context, out);
  await context.sender.call('static', { dir: out });
  await context.sender.call('scene', { conversations: [{ index: CONVERSATION, history: size }] });
  const id = conversationId(CONVERSATION);

  const { chromium } = await import('playwright-core');
  // playwright gives every launch a fresh, empty profile directory of its own.
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.setDefaultTimeout(120_000);
    await page.goto(`${context.sender.url}/page/index.html`);
    type PageWindow = { bench: BenchPage };
    const load = { id, size };
    const loaded = await page.evaluate(
      (arg) => (window as unknown as PageWindow).bench.load(arg.id, arg.size),
      load,
    );
    context.log(`render: the store holds ${loaded} messages`);
    const mountMs = await page.evaluate(
      (arg) => (window as unknown as PageWindow).bench.mount(arg),
      id,
    );
    await page.evaluate(() => (window as unknown as PageWindow).bench.quiet(500));
    const rowsOnOpen = await page.evaluate(() => (window as unknown as PageWindow).bench.rows());
    await waitForClients(context, CONVERSATION, 1);
    context.log(`render: opened in ${mountMs.toFixed(0)} ms with ${rowsOnOpen} rows in the DOM`);

    const record = async (act: () => Promise<unknown>, lastId: string, shown: boolean) => {
      await page.evaluate(() => (window as unknown as PageWindow).bench.startRecording());
      await act();
      await page.evaluate(
        (arg) => (window as unknown as PageWindow).bench.waitFor(arg.id, arg.lastId, arg.shown),
        { id, lastId, shown },
      );
      await page.evaluate(() => (window as unknown as PageWindow).bench.quiet(500));
      return page.evaluate(() => (window as unknown as PageWindow).bench.stopRecording());
    };

    // One appended message.
    const newId = messageId(CONVERSATION, size);
    const appended = await record(
      () => context.sender.call('live', { conversation: CONVERSATION, seq: size, delayMs: 0 }),
      newId,
      true,
    );
    const append = {
      commits: appended.profilerCommits.length,
      components: sum(appended.fiberCommits.map((commit) => commit.components)),
      rows: appended.fiberCommits.flatMap((commit) => commit.rows),
      newId,
      previousId: messageId(CONVERSATION, size - 1),
    };
    context.log(
      `render: one message: ${append.commits} commits, rows rendered ${append.rows.length} ` +
        `(${JSON.stringify(append.components)})`,
    );

    // A burst.
    const prepared = await context.sender.call('prepare', {
      burst: {
        key: 'render-burst',
        conversation: CONVERSATION,
        kind: 'new',
        count: burst,
        startSeq: size + 1,
      },
    });
    const bursted = await record(
      () => context.sender.call('go', { key: 'render-burst' }),
      prepared.lastId,
      false,
    );
    const rowsAfterBurst = await page.evaluate(() =>
      (window as unknown as PageWindow).bench.rows(),
    );
    const burstComponents = sum(bursted.fiberCommits.map((commit) => commit.components));
    context.log(
      `render: burst of ${burst}: ${bursted.profilerCommits.length} commits, ${rowsAfterBurst} rows in the DOM`,
    );
    if (errors.length > 0) throw new Error(`render page errors: ${errors.join('; ')}`);
    return {
      ...empty,
      available: true,
      mountMs,
      rowsOnOpen,
      rowsAfterBurst,
      append,
      burstCommits: bursted.profilerCommits.length,
      burstComponents,
      burstRowRenders: burstComponents.MessageRow ?? 0,
    };
  } finally {
    await browser.close();
  }
}
