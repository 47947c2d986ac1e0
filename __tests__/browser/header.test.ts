/**
 * The demo's header on a phone and on a desktop, in both languages and both
 * themes: the signed-in person's name shows on one line, whole (or ending in
 * an ellipsis on a very narrow screen, with the full name in its tooltip),
 * never broken inside a word. On a phone the theme and language switches fold
 * behind one menu button, which opens, works, and closes with Escape.
 */
import type { Page } from 'playwright-core';
import {
  describeInBrowser,
  expectHidden,
  expectVisible,
  screenshot,
  useDemoHarness,
} from './harness';

jest.setTimeout(120_000);

const NAME = 'Айзада Токтогулова';
const PHONE = { viewport: { width: 390, height: 844 }, scale: 2, mobile: true };

/** How the name is laid out in the header. */
async function nameLayout(page: Page) {
  return page.getByTestId('current-user').evaluate((element) => {
    const style = getComputedStyle(element);
    const range = document.createRange();
    range.selectNodeContents(element);
    // One line box per line the text takes.
    const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
    return {
      text: element.textContent,
      title: element.getAttribute('title'),
      lines,
      whole: element.scrollWidth <= element.clientWidth,
      ellipsis: style.textOverflow === 'ellipsis' && style.whiteSpace === 'nowrap',
    };
  });
}

async function prepare(page: Page, language: 'ru' | 'en', theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate(
    ([lang, scheme]) => {
      localStorage.setItem('unet-chat-demo-language', lang);
      localStorage.setItem('unet-chat-demo-theme', scheme);
    },
    [language, theme] as const,
  );
  await page.reload();
  await page.locator('.ucr-chat-select').waitFor();
}

describeInBrowser('the demo header', () => {
  const harness = useDemoHarness();

  afterEach(() => {
    expect(harness.pageErrors).toEqual([]);
  });

  test.each([
    ['ru', 'light'],
    ['ru', 'dark'],
    ['en', 'light'],
    ['en', 'dark'],
  ] as const)('on a phone (%s, %s): the name shows whole on one line', async (language, theme) => {
    const page = await harness.signIn('aizada', PHONE);
    await prepare(page, language, theme);
    expect(await nameLayout(page)).toEqual({
      text: NAME,
      title: NAME,
      lines: 1,
      whole: true,
      ellipsis: true,
    });
    // The switches are folded away; the menu button is there instead.
    const menu = page.locator('.demo__menu-button');
    await expectVisible(menu);
    await expectHidden(page.getByRole('group', { name: language === 'ru' ? 'Тема' : 'Theme' }));
    await screenshot(page, `mobile-header-${language}-${theme}`);
    await page.context().close();
  });

  test('on a 320 px phone the name still takes one line: whole or with an ellipsis, never cut inside a word', async () => {
    const page = await harness.signIn('aizada', {
      ...PHONE,
      viewport: { width: 320, height: 640 },
    });
    const layout = await nameLayout(page);
    expect(layout.lines).toBe(1);
    expect(layout.title).toBe(NAME);
    expect(layout.whole || layout.ellipsis).toBe(true);
    await page.context().close();
  });

  test('on a phone the menu opens, switches language and theme, and closes with Escape', async () => {
    const page = await harness.signIn('aizada', PHONE);
    await prepare(page, 'ru', 'light');
    const menu = page.getByRole('button', { name: 'Тема и язык' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await page.getByRole('group', { name: 'Тема' }).getByRole('button', { name: 'Тёмная' }).click();
    await page.waitForFunction(() => document.documentElement.classList.contains('ucr-theme-dark'));
    await screenshot(page, 'mobile-header-menu');
    await page.getByRole('group', { name: 'Язык' }).getByRole('button', { name: 'EN' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Chats' }));
    const english = page.getByRole('button', { name: 'Theme and language' });
    await page.keyboard.press('Escape');
    expect(await english.getAttribute('aria-expanded')).toBe('false');
    await expectHidden(page.getByRole('group', { name: 'Language' }));
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('demo__menu-button');
    // A tap elsewhere closes it too.
    await english.click();
    await expectVisible(page.getByRole('group', { name: 'Language' }));
    await page.locator('.ucr-chat-select').click({ position: { x: 20, y: 300 } });
    await expectHidden(page.getByRole('group', { name: 'Language' }));
    expect(await nameLayout(page)).toMatchObject({ lines: 1, whole: true });
    await page.context().close();
  });

  test('on a desktop the switches sit in the bar, with no menu button', async () => {
    const page = await harness.signIn('aizada');
    await expectVisible(page.getByRole('group', { name: 'Тема' }));
    await expectVisible(page.getByRole('group', { name: 'Язык' }));
    await expectHidden(page.locator('.demo__menu-button'));
    expect(await nameLayout(page)).toMatchObject({ text: NAME, lines: 1, whole: true });
    await page.context().close();
  });
});
