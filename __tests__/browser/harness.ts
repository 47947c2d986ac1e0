/**
 * The browser tests' harness: the real reference server serving the built demo
 * (`demo/dist`) with a temp-file database, and Debian's Chromium driven by
 * playwright-core. Each browser context is one person (the demo keeps
 * credentials in sessionStorage).
 *
 * @example
 * describeInBrowser('the demo', () => {
 *   const harness = useDemoHarness();
 *   test('logs in', async () => {
 *     const page = await harness.signIn('aibek');
 *     await expectVisible(page.getByRole('heading', { name: 'Чаты' }));
 *   });
 * });
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';

export type DemoUsername = 'aibek' | 'aizada' | 'bakyt' | 'elena';

/** Debian's package (CI installs it with `apt-get install -y chromium`); override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const DEMO_DIST = resolve(__dirname, '../../demo/dist');
const IMAGES_DIR = resolve(__dirname, '../../docs/images');

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

/** Debian's Chromium, headless, with the flags every browser test uses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Generous: the machine is shared; these bound waits for conditions, they are not speed claims. */
export const WAIT_MS = 20_000;

const inCi = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';

/**
 * `describe` for a browser suite. Without Chromium the suite fails in CI (the
 * browser tests must run there) and is skipped with a warning elsewhere.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, body);
    return;
  }
  const problem =
    `Chromium was not found at ${CHROMIUM_PATH}. Install it (apt-get install -y chromium) ` +
    'or point CHROMIUM_PATH at a Chromium binary.';
  if (inCi) {
    describe(name, () => {
      test('needs Chromium', () => {
        throw new Error(`${problem} The browser tests must run in CI.`);
      });
    });
    return;
  }
  console.warn(`Skipping the browser suite "${name}": ${problem}`);
  describe.skip(name, body);
}

/** Options of the server a harness starts. */
export interface DemoServerOptions {
  /** Prepares the database file before the server first opens it. */
  seed?: (dbPath: string) => Promise<void> | void;
  /** `false` starts the server in seed-only mode: none of the [ext] extensions. Default true. */
  extensions?: boolean;
}

/** Options of a browser context (one person). */
export interface PersonOptions {
  viewport?: { width: number; height: number };
  /** Device pixel ratio; 2 gives sharp phone screenshots. */
  scale?: number;
  mobile?: boolean;
}

/** A running server + browser, and everything opened with them. */
export class DemoHarness {
  private dir: string | null = null;
  private current: TestServer | null = null;
  private port = 0;
  private browser: Browser | null = null;
  private extensions = true;
  private readonly contexts: BrowserContext[] = [];
  /** Uncaught exceptions of any page, as `username: message`. */
  readonly pageErrors: string[] = [];
  /** Every `alert`/`confirm`/`prompt` any page opened (they are dismissed). */
  readonly dialogs: string[] = [];

  get server(): TestServer {
    if (!this.current) throw new Error('The server is not running.');
    return this.current;
  }

  /** The database file, in a temp folder of its own that `close` removes. */
  get dbPath(): string {
    this.dir ??= mkdtempSync(join(tmpdir(), 'ucr-browser-'));
    return join(this.dir, 'chat.sqlite');
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(options: DemoServerOptions = {}): Promise<void> {
    if (!existsSync(join(DEMO_DIST, 'index.html'))) {
      throw new Error(
        `The demo is not built: ${join(DEMO_DIST, 'index.html')} is missing. ` +
          'Run `npm run build:demo` before the browser tests.',
      );
    }
    await options.seed?.(this.dbPath);
    this.extensions = options.extensions ?? true;
    await this.startServer();
    this.browser = await launchChromium();
  }

  /** Starts the server on the harness's port (a free one the first time) and database file. */
  async startServer(): Promise<void> {
    this.current = await startTestServer({
      port: this.port,
      db: this.dbPath,
      staticDir: DEMO_DIST,
      ...(this.extensions ? {} : { extensions: false }),
    });
    this.port = this.current.port;
  }

  /** Closes the server (open sockets receive 1001); the database file stays. */
  async stopServer(): Promise<void> {
    const server = this.current;
    this.current = null;
    await server?.close();
  }

  /** A fresh browser context (a person of their own) with one page, Russian locale. */
  async newPage(label: string, options: PersonOptions = {}): Promise<Page> {
    if (!this.browser) throw new Error('The harness is not started.');
    const context = await this.browser.newContext({
      viewport: options.viewport ?? { width: 1280, height: 800 },
      deviceScaleFactor: options.scale ?? 1,
      isMobile: options.mobile ?? false,
      hasTouch: options.mobile ?? false,
      locale: 'ru-RU',
      timezoneId: 'Asia/Bishkek',
    });
    this.contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.on('pageerror', (error) => this.pageErrors.push(`${label}: ${error.message}`));
    page.on('dialog', (dialog) => {
      this.dialogs.push(`${label}: ${dialog.type()} ${dialog.message()}`);
      void dialog.dismiss().catch(() => undefined);
    });
    return page;
  }

  /** Opens the demo's login screen in a new context. */
  async openDemo(label: string, options: PersonOptions = {}): Promise<Page> {
    const page = await this.newPage(label, options);
    await page.goto(this.url);
    await page.locator('.login__submit').waitFor();
    return page;
  }

  /** Opens the demo in a new context and signs in as `username` through the login screen. */
  async signIn(username: DemoUsername, options: PersonOptions = {}): Promise<Page> {
    const page = await this.openDemo(username, options);
    await signInOn(page, username);
    return page;
  }

  async close(): Promise<void> {
    for (const context of this.contexts.splice(0)) await context.close().catch(() => undefined);
    await this.browser?.close();
    this.browser = null;
    await this.stopServer();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

/**
 * A harness started in `beforeAll` and closed in `afterAll` of the surrounding describe.
 */
export function useDemoHarness(options: DemoServerOptions = {}): DemoHarness {
  const harness = new DemoHarness();
  beforeAll(() => harness.start(options), 60_000);
  afterAll(() => harness.close(), 60_000);
  return harness;
}

/** Picks `username` on the login screen and signs in; resolves once the chat shows. */
export async function signInOn(page: Page, username: DemoUsername): Promise<void> {
  await page.locator(`[data-username="${username}"]`).click();
  await page.locator('.login__submit').click();
  await page.locator('.ucr-chat-select').waitFor();
}

/** Waits until `locator` is visible. */
export async function expectVisible(locator: Locator, timeout = WAIT_MS): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout });
}

/** Waits until `locator` is hidden or gone. */
export async function expectHidden(locator: Locator, timeout = WAIT_MS): Promise<void> {
  await locator.waitFor({ state: 'hidden', timeout });
}

/** The message feed of the open conversation. */
export function feed(page: Page): Locator {
  return page.getByRole('feed', { name: 'Сообщения' });
}

/** The message rows whose own text (not a quote) is exactly `text`. */
export function messageWithText(page: Page, text: string): Locator {
  return feed(page)
    .locator('.ucr-message')
    .filter({
      has: page.locator('.ucr-message__text').getByText(text, { exact: true }),
    });
}

/** Types `text` into the composer and presses Enter. */
export async function send(page: Page, text: string): Promise<void> {
  const field = page.getByRole('textbox', { name: 'Сообщение', exact: true });
  await field.fill(text);
  await field.press('Enter');
}

/** The connection indicator of the open conversation. */
export function connection(page: Page, status?: string): Locator {
  return page.locator(
    status ? `.ucr-header .ucr-connection[data-status="${status}"]` : '.ucr-header .ucr-connection',
  );
}

/** A message row as the page shows it. */
export interface RowSeen {
  id: string;
  text: string;
  status: string;
}

/**
 * Every message row of the open conversation, top to bottom, gathered by
 * scrolling the (virtualized) feed through its whole height; a row is listed
 * once per `data-message-id`, and `duplicates` counts ids seen twice in the
 * DOM at the same moment. Leaves the feed scrolled to the bottom.
 */
export async function collectRows(page: Page): Promise<{ rows: RowSeen[]; duplicates: number }> {
  return feed(page).evaluate(async (scroller) => {
    const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 30)));
    const seen = new Map<string, { text: string; status: string; top: number }>();
    let duplicates = 0;
    let scrollTop = 0;
    for (;;) {
      scroller.scrollTop = scrollTop;
      await frame();
      await frame();
      const here = new Set<string>();
      for (const row of scroller.querySelectorAll<HTMLElement>('.ucr-message')) {
        const id = row.dataset.messageId ?? '';
        if (here.has(id)) duplicates += 1;
        here.add(id);
        const text = row.querySelector('.ucr-message__text')?.textContent ?? '';
        const top = row.getBoundingClientRect().top + scroller.scrollTop;
        seen.set(id, { text, status: row.dataset.status ?? '', top });
      }
      if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1) break;
      scrollTop = scroller.scrollTop + Math.max(100, scroller.clientHeight / 2);
    }
    const rows = [...seen.entries()]
      .sort((a, b) => a[1].top - b[1].top)
      .map(([id, row]) => ({ id, text: row.text, status: row.status }));
    return { rows, duplicates };
  });
}

/**
 * Saves a screenshot of `page` as `docs/images/<name>.png` for the docs. Not in
 * CI (the images are for people), and a folder that cannot be written only warns.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (inCi) return;
  try {
    mkdirSync(IMAGES_DIR, { recursive: true });
    // No stray hover effects where the pointer happened to stop (a phone has no pointer).
    if (!(await page.evaluate(() => matchMedia('(hover: none)').matches))) {
      await page.mouse.move(4, 4);
    }
    // Let the last paint (fonts, transitions) settle; it is a picture, not an assertion.
    await page.evaluate(
      () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
    );
    await page.screenshot({ path: join(IMAGES_DIR, `${name}.png`), animations: 'disabled' });
  } catch (error) {
    console.warn(`Could not save the screenshot ${name}: ${String(error)}`);
  }
}

/** An accessibility problem axe-core found, as much as a failure message needs. */
export interface AxeProblem {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const AXE_SOURCE = require.resolve('axe-core/axe.min.js');
let axeCode: string | undefined;
const axeSource = () => (axeCode ??= readFileSync(AXE_SOURCE, 'utf8'));

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is now and returns
 * the serious and critical violations.
 */
export async function axeProblems(page: Page): Promise<AxeProblem[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  // Evaluated through the DevTools protocol, which the page's CSP (script-src 'self',
  // no inline script) does not govern; a <script> tag would be refused.
  if (!loaded) await page.evaluate(axeSource());
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: AxeRunner }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.map((node) => node.target.join(' ')).slice(0, 5),
      }));

    interface AxeRunner {
      run(
        context: Document,
        options: object,
      ): Promise<{
        violations: Array<{
          id: string;
          impact: string | null;
          help: string;
          nodes: Array<{ target: string[] }>;
        }>;
      }>;
    }
  });
}

/** The element that has the focus, described for assertions. */
export async function focused(page: Page): Promise<{ tag: string; name: string; cls: string }> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    return {
      tag: element?.tagName.toLowerCase() ?? '',
      name: element?.getAttribute('aria-label') ?? element?.textContent?.trim().slice(0, 60) ?? '',
      cls: element?.className ?? '',
    };
  });
}

/** Presses Tab (or Shift+Tab) until `done` holds for the focused element; returns the presses. */
export async function tabUntil(
  page: Page,
  done: (element: { tag: string; name: string; cls: string }) => boolean,
  { backwards = false, max = 40 }: { backwards?: boolean; max?: number } = {},
): Promise<number> {
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    if (done(await focused(page))) return presses;
  }
  throw new Error(
    `Focus never got there in ${max} presses; it is on ${JSON.stringify(await focused(page))}`,
  );
}
