/**
 * Two tabs of one person on the built demo against a seed-only server (no
 * user stream, no read cursors, no client_id echo): reading a conversation in
 * one tab clears its unread badge in the other, and a message one tab cannot
 * send yet (the server is down) shows in the other as unsent, then exactly
 * once as sent when the server is back.
 *
 * The demo keeps credentials in sessionStorage (one person per tab), so both
 * tabs are given the same `auth_data` before the page loads; they share the
 * context's localStorage, as two tabs of one browser do.
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { Session } from '../support/server';
import {
  describeInBrowser,
  expectHidden,
  expectVisible,
  messageWithText,
  screenshot,
  send,
  useDemoHarness,
} from './harness';

jest.setTimeout(120_000);

const GROUP = 'Две вкладки';
const OTHER = 'Другая беседа';

function row(page: Page, title: string): Locator {
  return page.locator('.ucr-conversation__button', {
    has: page.locator('.ucr-conversation__title', { hasText: title }),
  });
}

describeInBrowser('two tabs of one person against a seed-only server', () => {
  const harness = useDemoHarness({ extensions: false });
  let aibek: Session;
  let aizada: Session;
  let groupId: string;
  let context: BrowserContext;
  let first: Page;
  let second: Page;

  const post = (text: string) =>
    aibek.request('POST', '/api/unet-chat/messages/', {
      conversation_id: groupId,
      sender_id: aibek.user.id,
      text,
      reply_to: null,
    });

  async function openTab(label: string): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (error) => harness.pageErrors.push(`${label}: ${error.message}`));
    const auth = JSON.stringify({
      access: aizada.access,
      refresh: aizada.refresh,
      user: aizada.user,
    });
    await page.addInitScript((value) => sessionStorage.setItem('auth_data', value), auth);
    await page.goto(`${harness.url}/?c=${groupId}`);
    return page;
  }

  /** Starts counting, in the page, the most rows with `text` it ever showed at once. */
  async function countCopies(page: Page, text: string): Promise<() => Promise<number>> {
    await page.evaluate((wanted) => {
      const scope = window as unknown as { __most?: number };
      scope.__most = 0;
      const count = () => {
        const rows = [...document.querySelectorAll('.ucr-message__text')].filter(
          (node) => node.textContent === wanted,
        ).length;
        scope.__most = Math.max(scope.__most ?? 0, rows);
      };
      count();
      new MutationObserver(count).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    }, text);
    return () => page.evaluate(() => (window as unknown as { __most?: number }).__most ?? 0);
  }

  beforeAll(async () => {
    [aibek, aizada] = (await Promise.all([
      harness.server.login('aibek'),
      harness.server.login('aizada'),
    ])) as [Session, Session];
    const create = async (title: string) =>
      (
        await aibek.request<{ id: string }>('POST', '/api/unet-chat/conversations/', {
          type: 'group',
          title,
          participant_ids: [aizada.user.id],
        })
      ).body.id;
    groupId = await create(GROUP);
    await create(OTHER);
    context = await harness.newPage('context').then((page) => page.context());
  }, 60_000);

  afterEach(() => {
    expect(harness.pageErrors).toEqual([]);
  });

  test('reading a conversation in one tab clears its unread badge in the other', async () => {
    first = await openTab('aizada-1');
    second = await openTab('aizada-2');
    await expectVisible(first.getByRole('heading', { name: GROUP, level: 2 }));
    await expectVisible(second.getByRole('heading', { name: GROUP, level: 2 }));
    // The second tab moves on: the group stays live there (the workspace keeps it), unread counts.
    await row(second, OTHER).click();
    await expectVisible(second.getByRole('heading', { name: OTHER, level: 2 }));

    await first.bringToFront();
    await post('Прочитай меня');
    await expectVisible(row(second, GROUP).locator('.ucr-badge'));
    // The first tab shows it (in view, focused): read there, so not unread here either.
    await expectVisible(messageWithText(first, 'Прочитай меня'));
    await expectHidden(row(second, GROUP).locator('.ucr-badge'));
    await expectHidden(second.getByTestId('total-unread'));
  });

  test('a message one tab cannot send yet shows in the other as unsent, then once as sent', async () => {
    await row(second, GROUP).click();
    await expectVisible(messageWithText(second, 'Прочитай меня'));
    const most = await countCopies(second, 'Пока сервер лежит');

    await harness.stopServer();
    await send(first, 'Пока сервер лежит');
    const unsent = (page: Page) =>
      messageWithText(page, 'Пока сервер лежит').and(
        page.locator('[data-status="pending"], [data-status="failed"]'),
      );
    await expectVisible(unsent(first));
    await expectVisible(unsent(second));
    // The list previews it as unsent too.
    await expectVisible(
      second
        .locator(
          '.ucr-conversation__preview[data-status="pending"], .ucr-conversation__preview[data-status="failed"]',
        )
        .filter({ hasText: 'Пока сервер лежит' }),
    );
    // The draft the first tab sent does not stay in the second tab's composer.
    await second.waitForFunction(
      () => document.querySelector<HTMLTextAreaElement>('.ucr-composer__field')?.value === '',
    );
    await screenshot(second, 'tabs-other-tab-unsent');

    await harness.startServer();
    const sent = (page: Page) =>
      messageWithText(page, 'Пока сервер лежит').and(page.locator('[data-status="sent"]'));
    // A failed one (the retries ran out while the server was down) is retried by hand.
    const retry = first.getByRole('button', { name: /Повторить/ });
    await Promise.race([
      sent(first).waitFor({ timeout: 60_000 }),
      retry
        .first()
        .waitFor({ timeout: 60_000 })
        .then(() => retry.first().click()),
    ]);
    await expectVisible(sent(first), 60_000);
    await expectVisible(sent(second), 60_000);
    expect(await messageWithText(second, 'Пока сервер лежит').count()).toBe(1);
    expect(await most()).toBe(1);
  });
});
