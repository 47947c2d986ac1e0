/**
 * The fixture page (fixture/app.tsx) for browser tests of the React layer in
 * host layouts: bundled once per suite with esbuild into a temp folder and
 * opened from a file: URL in Debian's Chromium. No server, no network.
 *
 * @example
 * describeInBrowser('sizing', () => {
 *   const fixture = useFixturePage();
 *   test('fills its parent', async () => {
 *     const page = await fixture.open({ layout: 'flex' });
 *   });
 * });
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, WAIT_MS } from './harness';

const ROOT = resolve(__dirname, '../..');

/** What the fixture page shows: `?layout=` and `?slots=`. */
export interface FixtureOptions {
  layout: 'unsized' | 'small' | 'flex' | 'full' | 'messages' | 'gap';
  /** For `gap`: the sync phase the view is given. */
  phase?: string;
  /** Custom MessageRow, ConversationRow, EmptyConversation and Composer. */
  slots?: boolean;
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
}

export class FixturePage {
  private dir: string | null = null;
  private browser: Browser | null = null;
  private readonly contexts: BrowserContext[] = [];
  /** Uncaught exceptions of any page. */
  readonly pageErrors: string[] = [];

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'ucr-fixture-'));
    await build({
      entryPoints: [join(__dirname, 'fixture/app.tsx')],
      outdir: this.dir,
      bundle: true,
      format: 'iife',
      jsx: 'automatic',
      target: 'es2022',
      minify: false,
      logLevel: 'silent',
      tsconfig: join(ROOT, 'tsconfig.json'),
      define: { 'process.env.NODE_ENV': '"development"' },
      alias: { 'unet-chat-redux/styles.css': join(ROOT, 'src/react/styles.css') },
    });
    writeFileSync(
      join(this.dir, 'index.html'),
      '<!doctype html><html lang="ru"><head><meta charset="utf-8">' +
        '<link rel="stylesheet" href="app.css"></head>' +
        '<body><div id="root"></div><script src="app.js"></script></body></html>',
    );
    this.browser = await launchChromium();
  }

  /** A fresh context with the fixture page loaded (the chat rendered). */
  async open(options: FixtureOptions): Promise<Page> {
    if (!this.browser || !this.dir) throw new Error('The fixture is not started.');
    const context = await this.browser.newContext({
      viewport: options.viewport ?? { width: 1100, height: 800 },
      locale: 'ru-RU',
      timezoneId: 'Asia/Bishkek',
      colorScheme: options.colorScheme ?? 'light',
    });
    this.contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.on('pageerror', (error) => this.pageErrors.push(error.message));
    const url = pathToFileURL(join(this.dir, 'index.html'));
    url.searchParams.set('layout', options.layout);
    if (options.slots) url.searchParams.set('slots', '1');
    if (options.phase) url.searchParams.set('phase', options.phase);
    await page.goto(url.href);
    await page.locator('.ucr-root').first().waitFor();
    return page;
  }

  async close(): Promise<void> {
    for (const context of this.contexts.splice(0)) await context.close().catch(() => undefined);
    await this.browser?.close();
    this.browser = null;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

/** A fixture page started in `beforeAll` and closed in `afterAll` of the surrounding describe. */
export function useFixturePage(): FixturePage {
  const fixture = new FixturePage();
  beforeAll(() => fixture.start(), 60_000);
  afterAll(() => fixture.close(), 60_000);
  return fixture;
}

/** Opens conversation `n` from the list and accepts its socket, so its history loads. */
export async function openConversation(page: Page, title: string, n: number): Promise<void> {
  await page.locator('.ucr-conversation__button', { hasText: title }).click();
  await page.locator('.ucr-messages-view').waitFor();
  await page.waitForFunction((index) => window.fixture.openSocket(index), n);
}
