/**
 * How a conversation looks while its messages are not all there: a gap row
 * after the last message known to be complete, with a spinner only while
 * something loads it; a socket that is down (`disconnected`) shows no spinner
 * and no alarm. Screenshots in both themes for docs/images.
 */
import type { Page } from 'playwright-core';
import { describeInBrowser, screenshot } from './harness';
import { useFixturePage } from './fixturePage';

jest.setTimeout(90_000);

/** Contrast ratio of the gap row's text on its own background (WCAG). */
async function gapContrast(page: Page): Promise<number> {
  return page.locator('.ucr-gap').evaluate((element) => {
    const parse = (value: string) => (value.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
    const luminance = ([r, g, b]: number[]) => {
      const channel = (c: number) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
    };
    const style = getComputedStyle(element);
    const [a, b] = [luminance(parse(style.color)), luminance(parse(style.backgroundColor))];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
}

describeInBrowser('the sync state in the view', () => {
  const fixture = useFixturePage();

  afterEach(() => {
    expect(fixture.pageErrors).toEqual([]);
  });

  test.each(['light', 'dark'] as const)(
    'catching up: the gap row spins, in the %s theme, readable',
    async (colorScheme) => {
      const page = await fixture.open({ layout: 'gap', phase: 'catchingUp', colorScheme });
      const gap = page.locator('.ucr-gap');
      await gap.waitFor();
      await expect(gap.textContent()).resolves.toBe('Часть сообщений ещё загружается…');
      await expect(gap.locator('.ucr-spinner').count()).resolves.toBe(1);
      expect(await gapContrast(page)).toBeGreaterThanOrEqual(4.5);
      // It sits between the last complete message and the newer ones.
      const order = await page
        .locator('.ucr-message-list__inner')
        .evaluate((inner) =>
          Array.from(inner.querySelectorAll('.ucr-message, .ucr-gap')).map((element) =>
            element.classList.contains('ucr-gap')
              ? 'gap'
              : element.textContent?.includes('Новое')
                ? 'new'
                : 'old',
          ),
        );
      expect(order).toEqual(['old', 'old', 'old', 'old', 'gap', 'new', 'new']);
      await screenshot(page, `gap-catching-up-${colorScheme}`);
    },
  );

  test.each(['light', 'dark'] as const)(
    'disconnected: no spinner and no alarm in the %s theme; the indicator says the socket is down',
    async (colorScheme) => {
      const page = await fixture.open({ layout: 'gap', phase: 'disconnected', colorScheme });
      const gap = page.locator('.ucr-gap');
      await gap.waitFor();
      await expect(gap.textContent()).resolves.toBe('Здесь загружены не все сообщения');
      await expect(page.locator('.ucr-messages-view .ucr-spinner').count()).resolves.toBe(0);
      await expect(page.locator('.ucr-messages-view [role="alert"]').count()).resolves.toBe(0);
      await expect(page.locator('.ucr-messages-view__catching-up').count()).resolves.toBe(0);
      await expect(
        page.locator('.ucr-header .ucr-connection[data-status="reconnecting"]').count(),
      ).resolves.toBe(1);
      expect(await gapContrast(page)).toBeGreaterThanOrEqual(4.5);
      await screenshot(page, `gap-disconnected-${colorScheme}`);
    },
  );
});
