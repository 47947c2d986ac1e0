/**
 * The chat in host layouts (docs/theming.md, "The chat fills its parent"):
 * it fills a parent that has a height, never collapses in one that has none,
 * and `--ucr-min-height: 0` lets it shrink into a small panel.
 */
import type { Page } from 'playwright-core';
import { describeInBrowser } from './harness';
import { openConversation, useFixturePage } from './fixturePage';

jest.setTimeout(90_000);

interface Box {
  top: number;
  bottom: number;
  height: number;
}

async function box(page: Page, selector: string): Promise<Box> {
  return page
    .locator(selector)
    .first()
    .evaluate((element) => {
      const rect = element.getBoundingClientRect();
      return { top: rect.top, bottom: rect.bottom, height: rect.height };
    });
}

/** The open conversation's parts all lie inside the chat, the feed has room, and messages show. */
async function expectConversationFits(page: Page, minFeedHeight: number): Promise<void> {
  const layout = await box(page, '.ucr-layout');
  const header = await box(page, '.ucr-header');
  const feed = await box(page, '.ucr-message-list__scroller');
  const composer = await box(page, '.ucr-composer');
  expect(header.top).toBeGreaterThanOrEqual(layout.top - 0.5);
  expect(composer.bottom).toBeLessThanOrEqual(layout.bottom + 0.5);
  expect(feed.top).toBeGreaterThanOrEqual(header.bottom - 0.5);
  expect(feed.bottom).toBeLessThanOrEqual(composer.top + 0.5);
  expect(feed.height).toBeGreaterThanOrEqual(minFeedHeight);
  // The newest message is on screen at the bottom of the feed (a tall one may start above it).
  const newest = page.locator('.ucr-message').last();
  await newest.waitFor();
  const last = await newest.evaluate((element) => {
    const rect = element.getBoundingClientRect();
    return { top: rect.top, bottom: rect.bottom };
  });
  expect(last.bottom).toBeLessThanOrEqual(feed.bottom + 0.5);
  expect(last.bottom).toBeGreaterThan(feed.top + 20);
}

describeInBrowser('the chat fills its parent', () => {
  const fixture = useFixturePage();

  afterEach(() => {
    expect(fixture.pageErrors).toEqual([]);
  });

  test('a parent without a height: the chat does not collapse, it keeps its 480 px minimum', async () => {
    const page = await fixture.open({ layout: 'unsized' });
    const layout = await box(page, '.ucr-layout');
    expect(layout.height).toBeGreaterThanOrEqual(480);
    // The list below the header gets the rest, not just its content.
    const list = await box(page, '.ucr-chat-select');
    expect(list.bottom).toBeGreaterThanOrEqual(layout.bottom - 0.5);

    await openConversation(page, 'Курсовая по базам данных', 1);
    await expectConversationFits(page, 250);
    expect((await box(page, '.ucr-layout')).height).toBeGreaterThanOrEqual(480);
  });

  test('a 300 px panel with --ucr-min-height: 0: the chat is exactly as tall and still usable', async () => {
    const page = await fixture.open({ layout: 'small' });
    expect((await box(page, '#parent')).height).toBe(300);
    expect((await box(page, '.ucr-layout')).height).toBe(300);

    await openConversation(page, 'Курсовая по базам данных', 1);
    expect((await box(page, '.ucr-layout')).height).toBe(300);
    await expectConversationFits(page, 80);
    // The history scrolls inside the feed, not the page.
    const scroll = await page
      .locator('.ucr-message-list__scroller')
      .evaluate((element) => element.scrollHeight - element.clientHeight);
    expect(scroll).toBeGreaterThan(0);
  });

  test('a flex column under an app header: the chat takes the rest of the page and the page does not scroll', async () => {
    const page = await fixture.open({ layout: 'flex', viewport: { width: 1100, height: 800 } });
    const header = await box(page, '#app-header');
    const layout = await box(page, '.ucr-layout');
    expect(layout.top).toBeCloseTo(header.bottom, 0);
    expect(layout.bottom).toBeCloseTo(800, 0);

    await openConversation(page, 'Курсовая по базам данных', 1);
    await expectConversationFits(page, 400);
    const pageScroll = await page.evaluate(
      () => document.documentElement.scrollHeight - window.innerHeight,
    );
    expect(pageScroll).toBeLessThanOrEqual(0);
  });

  test('ChatMessages on its own in a parent without a height keeps the minimum too', async () => {
    const page = await fixture.open({ layout: 'messages' });
    await page.waitForFunction(() => window.fixture.openSocket(1));
    await page.locator('.ucr-message').last().waitFor();
    const view = await box(page, '.ucr-messages-view');
    expect(view.height).toBeGreaterThanOrEqual(480);
    const feed = await box(page, '.ucr-message-list__scroller');
    expect(feed.height).toBeGreaterThanOrEqual(250);
  });

  test('a narrow flex column (one pane at a time) fills the same way', async () => {
    const page = await fixture.open({ layout: 'flex', viewport: { width: 390, height: 700 } });
    await openConversation(page, 'Курсовая по базам данных', 1);
    const layout = await box(page, '.ucr-layout');
    expect(layout.bottom).toBeCloseTo(700, 0);
    await expectConversationFits(page, 300);
  });
});
