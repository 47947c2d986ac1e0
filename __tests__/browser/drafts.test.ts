/**
 * A draft survives (issue 10's proof): typed in the demo, it is kept when the
 * person switches to another conversation and back, and across a reload
 * (the package keeps drafts per user in localStorage); once sent it is gone,
 * also after another reload.
 */
import type { Page } from 'playwright-core';
import type { Session } from '../support/server';
import {
  describeInBrowser,
  expectVisible,
  messageWithText,
  signInOn,
  useDemoHarness,
} from './harness';

jest.setTimeout(120_000);

const API = '/api/unet-chat';
const DRAFT = 'Черновик: а тему про индексы уже кто-то взял?';

async function post(session: Session, path: string, body: unknown): Promise<{ id: string }> {
  const { status, body: answer } = await session.request<{ id: string }>('POST', path, body);
  if (status !== 201) throw new Error(`POST ${path} answered ${status}: ${JSON.stringify(answer)}`);
  return answer;
}

function conversationButton(page: Page, title: string) {
  return page.locator('.ucr-conversation__button').filter({
    has: page.locator('.ucr-conversation__title', { hasText: new RegExp(`^${title}$`) }),
  });
}

function composer(page: Page) {
  return page.getByRole('textbox', { name: 'Сообщение', exact: true });
}

async function open(page: Page, title: string): Promise<void> {
  await conversationButton(page, title).click();
  await expectVisible(page.locator('.ucr-header__title', { hasText: title }));
  await expectVisible(page.locator('.ucr-header .ucr-connection[data-status="open"]'));
}

/** The package's stored record of the signed-in user, as the page has it. */
function storedDrafts(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Object.keys(localStorage)
      .filter((key) => key.startsWith('unet-chat-redux:'))
      .map((key) => localStorage.getItem(key) ?? ''),
  );
}

describeInBrowser('a draft in the demo', () => {
  const harness = useDemoHarness();

  beforeAll(async () => {
    const aibek = await harness.server.login('aibek');
    await post(aibek, `${API}/conversations/`, {
      type: 'group',
      title: 'Курсовая',
      participant_ids: [2],
    });
    await post(aibek, `${API}/conversations/`, {
      type: 'group',
      title: 'Экзамены',
      participant_ids: [3],
    });
  }, 60_000);

  afterEach(() => {
    expect(harness.pageErrors).toEqual([]);
  });

  test('is kept across switching conversations and a reload, and is gone once sent (also after a reload)', async () => {
    const page = await harness.signIn('aibek');
    await open(page, 'Курсовая');
    await composer(page).click();
    await page.keyboard.type(DRAFT);
    await expect(composer(page).inputValue()).resolves.toBe(DRAFT);

    // Another conversation has its own (empty) composer; coming back brings the draft back.
    await open(page, 'Экзамены');
    await expect(composer(page).inputValue()).resolves.toBe('');
    await open(page, 'Курсовая');
    await expect(composer(page).inputValue()).resolves.toBe(DRAFT);

    // A reload (the open conversation is in the URL) keeps it. The package writes drafts
    // shortly after the last change: wait for that write (see the known bug below).
    await page.waitForFunction(
      (text) =>
        Object.keys(localStorage).some(
          (key) =>
            key.startsWith('unet-chat-redux:') && (localStorage.getItem(key) ?? '').includes(text),
        ),
      DRAFT,
    );
    await page.reload();
    await expectVisible(page.locator('.ucr-header__title', { hasText: 'Курсовая' }));
    await page.waitForFunction(
      (text) =>
        (
          document.querySelector(
            'textarea[aria-label="Сообщение"], .ucr-composer textarea',
          ) as HTMLTextAreaElement | null
        )?.value === text,
      DRAFT,
    );
    // …and it is still only in its own conversation.
    await open(page, 'Экзамены');
    await expect(composer(page).inputValue()).resolves.toBe('');
    await open(page, 'Курсовая');
    await expect(composer(page).inputValue()).resolves.toBe(DRAFT);

    // Sent: the composer is empty and the draft is gone from storage.
    await composer(page).press('Enter');
    await expectVisible(messageWithText(page, DRAFT).and(page.locator('[data-status="sent"]')));
    await expect(composer(page).inputValue()).resolves.toBe('');
    await page.waitForFunction(
      (text) =>
        Object.keys(localStorage)
          .filter((key) => key.startsWith('unet-chat-redux:'))
          .every((key) => !(localStorage.getItem(key) ?? '').includes(text)),
      DRAFT,
    );

    await page.reload();
    await expectVisible(page.locator('.ucr-header__title', { hasText: 'Курсовая' }));
    await expectVisible(messageWithText(page, DRAFT).and(page.locator('[data-status="sent"]')));
    await expectVisible(page.locator('.ucr-header .ucr-connection[data-status="open"]'));
    await expect(composer(page).inputValue()).resolves.toBe('');
    expect((await storedDrafts(page)).some((record) => record.includes(DRAFT))).toBe(false);
    // Sent once, not again from a restored draft or outbox.
    await expect(messageWithText(page, DRAFT).count()).resolves.toBe(1);
  });

  // Drafts are written 300 ms after a change; a write still waiting when the page goes
  // away (hidden, pagehide) is written then. The page's clock is paused here, so the
  // delayed write deterministically never runs before the reload: only the flush can save it.
  test('is kept by a reload right after the last keystroke', async () => {
    const page = await harness.newPage('aibek');
    await page.clock.install();
    await page.goto(harness.url);
    await signInOn(page, 'aibek');
    await open(page, 'Экзамены');
    await page.clock.pauseAt(Date.now() + 60_000);
    await composer(page).fill('Успею до перезагрузки?');
    await page.reload();
    // The new page's clock runs again (the old page, and its pending write, are gone).
    await page.clock.resume();
    await expectVisible(page.locator('.ucr-header__title', { hasText: 'Экзамены' }));
    await page.waitForFunction(
      () =>
        (document.querySelector('.ucr-composer textarea') as HTMLTextAreaElement | null)?.value ===
        'Успею до перезагрузки?',
      undefined,
      { timeout: 5_000 },
    );
  });
});
