/**
 * Custom slots in Chromium (docs/customization.md): a message row of the
 * host's own markup keeps everything the virtualized list does — measuring
 * rows of any height, one tab stop with arrow keys, focus, the highlight of a
 * jump — and the other slots render in place of the defaults.
 */
import type { Page } from 'playwright-core';
import { describeInBrowser, focused, screenshot } from './harness';
import { openConversation, useFixturePage } from './fixturePage';

jest.setTimeout(90_000);

/** The rendered custom rows, top to bottom, with their boxes. */
async function rowBoxes(page: Page) {
  return page.locator('.ucr-message-list__scroller').evaluate((scroller) =>
    Array.from(scroller.querySelectorAll<HTMLElement>('.ucr-row'))
      .map((row) => {
        const rect = row.getBoundingClientRect();
        const article = row.querySelector<HTMLElement>('.plain-row');
        return {
          index: Number(row.dataset.index),
          top: rect.top,
          bottom: rect.bottom,
          height: rect.height,
          articleHeight: article?.getBoundingClientRect().height ?? 0,
        };
      })
      .sort((a, b) => a.index - b.index),
  );
}

async function focusedMessageId(page: Page): Promise<string | null> {
  return page.evaluate(
    () => (document.activeElement as HTMLElement | null)?.dataset.messageId ?? null,
  );
}

describeInBrowser('custom slots in the browser', () => {
  const fixture = useFixturePage();

  afterEach(() => {
    expect(fixture.pageErrors).toEqual([]);
  });

  test('custom rows of very different heights are measured: no overlap, no gaps, at any scroll position', async () => {
    const page = await fixture.open({ layout: 'full', slots: true });
    await openConversation(page, 'Курсовая по базам данных', 1);
    await page.locator('.plain-row').last().waitFor();
    expect(await page.locator('.ucr-message').count()).toBe(0); // none of the default rows

    const scroller = page.locator('.ucr-message-list__scroller');
    for (const position of ['bottom', 'middle', 'top'] as const) {
      await scroller.evaluate((element, where) => {
        element.scrollTop =
          where === 'bottom'
            ? element.scrollHeight
            : where === 'top'
              ? 0
              : element.scrollHeight / 2;
      }, position);
      // Let the virtualizer measure what came into view.
      await page.evaluate(
        () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
      );
      const rows = await rowBoxes(page);
      expect(rows.length).toBeGreaterThan(3);
      const heights = new Set(rows.map((row) => Math.round(row.articleHeight)));
      expect(heights.size).toBeGreaterThan(2); // the rows really differ
      for (let i = 1; i < rows.length; i++) {
        const [previous, row] = [rows[i - 1]!, rows[i]!];
        if (row.index !== previous.index + 1) continue;
        // Each row starts where the previous one ends (its measured height, not an estimate).
        expect(Math.abs(row.top - previous.bottom)).toBeLessThanOrEqual(1);
      }
      for (const row of rows) expect(row.height).toBeGreaterThanOrEqual(row.articleHeight);
    }
  });

  test('a custom row is one tab stop with arrow keys, Home/End, and the shortcut R', async () => {
    const page = await fixture.open({ layout: 'full', slots: true });
    await openConversation(page, 'Курсовая по базам данных', 1);
    const rows = page.locator('.plain-row');
    await rows.last().waitFor();

    // One row of the list is in the Tab order: the newest.
    const stops = await page
      .locator('.ucr-message-list__scroller')
      .evaluate(
        (scroller) =>
          Array.from(scroller.querySelectorAll<HTMLElement>('[data-message-id]')).filter(
            (element) => element.tabIndex === 0,
          ).length,
      );
    expect(stops).toBe(1);

    // Tab from the search field's side reaches the newest row.
    await page.getByRole('textbox', { name: 'Сообщение', exact: true }).focus();
    await page.keyboard.press('Shift+Tab');
    const newest = await page
      .locator('.ucr-row')
      .last()
      .locator('[data-message-id]')
      .getAttribute('data-message-id');
    // Shift+Tab from the composer lands on the row (or its quote button, then the row).
    if ((await focused(page)).cls.includes('plain-row__quote'))
      await page.keyboard.press('Shift+Tab');
    expect(await focusedMessageId(page)).toBe(newest);

    await page.keyboard.press('ArrowUp');
    const above = await focusedMessageId(page);
    expect(above).not.toBeNull();
    expect(above).not.toBe(newest);
    await page.keyboard.press('ArrowDown');
    expect(await focusedMessageId(page)).toBe(newest);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    // The roving tab stop moved with the focus.
    const stopNow = await page.evaluate(
      () =>
        document.querySelector<HTMLElement>(
          '.ucr-message-list__scroller [tabindex="0"][data-message-id]',
        )?.dataset.messageId,
    );
    expect(stopNow).toBe(await focusedMessageId(page));

    // R replies to the focused row's message: the composer shows the reply bar.
    await page.keyboard.press('r');
    await page.locator('.ucr-composer[data-mode="reply"]').waitFor();
    await page.keyboard.press('Escape');
  });

  test('jumping to a quoted message scrolls to it, highlights it and moves the focus there', async () => {
    const page = await fixture.open({ layout: 'full', slots: true });
    await openConversation(page, 'Курсовая по базам данных', 1);
    const quote = page.locator('.plain-row__quote');
    await quote.waitFor();
    const target = await page.evaluate(() => window.fixture.quotedId);
    expect(target).not.toBeNull();

    await quote.click();
    const highlighted = page.locator(`.plain-row[data-message-id="${target}"]`);
    await highlighted.and(page.locator('[data-highlighted="true"]')).waitFor();
    await page.waitForFunction(
      (id) => (document.activeElement as HTMLElement | null)?.dataset.messageId === id,
      target,
    );
    // It is in view.
    const inView = await highlighted.evaluate((element) => {
      const scroller = element.closest('.ucr-message-list__scroller')!.getBoundingClientRect();
      const rect = element.getBoundingClientRect();
      return rect.bottom > scroller.top && rect.top < scroller.bottom;
    });
    expect(inView).toBe(true);
    await screenshot(page, 'custom-message-row');
    // The highlight is brief.
    await highlighted.and(page.locator('[data-highlighted="false"]')).waitFor();
  });

  test('the conversation row, the empty conversation and the composer are the host’s', async () => {
    const page = await fixture.open({ layout: 'full', slots: true });
    expect(await page.locator('.custom-conversation .ucr-conversation__button').count()).toBe(2);
    await openConversation(page, 'Пустая беседа', 2);
    await page.locator('.custom-empty', { hasText: 'Напишите первым в «Пустая беседа»' }).waitFor();
    await page.locator('.custom-composer .ucr-composer').waitFor();
    expect(await page.locator('.ucr-message-list__empty').count()).toBe(0);
  });
});
