/**
 * axe-core on every screen of the demo, in the light and the dark colour
 * scheme (the system's `prefers-color-scheme`, which the chat follows): no
 * serious or critical violation. Also the screenshots of both themes.
 */
import type { Page } from 'playwright-core';
import type { Session } from '../support/server';
import {
  axeProblems,
  describeInBrowser,
  expectVisible,
  messageWithText,
  screenshot,
  signInOn,
  useDemoHarness,
} from './harness';
import type { AxeProblem, PersonOptions } from './harness';

jest.setTimeout(180_000);

const API = '/api/unet-chat';
const PHONE: PersonOptions = { viewport: { width: 390, height: 844 }, scale: 2, mobile: true };
const GROUP = 'Курсовая по базам данных';

async function post(session: Session, path: string, body: unknown): Promise<{ id: string }> {
  const { status, body: answer } = await session.request<{ id: string }>('POST', path, body);
  if (status !== 201) throw new Error(`POST ${path} answered ${status}: ${JSON.stringify(answer)}`);
  return answer;
}

const say = (session: Session, conversationId: string, text: string, replyTo?: string) =>
  post(session, `${API}/messages/`, {
    conversation_id: conversationId,
    sender_id: session.user.id,
    text,
    reply_to: replyTo ?? null,
  });

describeInBrowser('accessibility of every screen, light and dark', () => {
  const harness = useDemoHarness();

  beforeAll(async () => {
    const [aibek, aizada, bakyt] = await Promise.all(
      (['aibek', 'aizada', 'bakyt'] as const).map((name) => harness.server.login(name)),
    );
    const group = await post(aibek!, `${API}/conversations/`, {
      type: 'group',
      title: GROUP,
      participant_ids: [2, 3],
    });
    const question = await say(
      bakyt!,
      group.id,
      'Кто берёт тему про индексы? Материалы: https://kstu.kg/db',
    );
    await say(aizada!, group.id, 'Я могу, если никто не против.', question.id);
    await say(aibek!, group.id, 'Отлично, тогда я возьму нормализацию.');
    const withAizada = await post(aibek!, `${API}/conversations/`, {
      type: 'private',
      participant_ids: [2],
    });
    await say(aizada!, withAizada.id, 'Привет! Консультация завтра в 305-й.');
    await say(aibek!, withAizada.id, 'Спасибо, приду.');
  }, 60_000);

  afterEach(() => {
    expect(harness.pageErrors).toEqual([]);
  });

  /** Runs axe and collects the problems of `screen`, so one run reports every screen. */
  async function check(page: Page, screen: string, found: Record<string, AxeProblem[]>) {
    // Transitions and the jump highlight settle first, so axe sees the resting colours.
    await page.evaluate(() => new Promise((done) => setTimeout(done, 250)));
    const problems = await axeProblems(page);
    if (problems.length > 0) found[screen] = problems;
  }

  for (const scheme of ['light', 'dark'] as const) {
    test(`no serious or critical axe violation on any desktop screen (${scheme})`, async () => {
      const found: Record<string, AxeProblem[]> = {};
      const page = await harness.newPage(`aibek-${scheme}`);
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(harness.url);
      await page.locator('.login__submit').waitFor();
      await check(page, 'login', found);
      await screenshot(page, `login-${scheme}`);

      // The empty password is refused before sending, in words.
      await page.locator('.login__password-field').fill('');
      await page.locator('.login__submit').click();
      await expectVisible(page.getByRole('alert').getByText('Введите пароль'));
      await check(page, 'login with an error', found);
      await page.locator('.login__password-field').fill('demo');

      await signInOn(page, 'aibek');
      await expectVisible(page.locator('.ucr-conversation__button', { hasText: GROUP }));
      await check(page, 'list, nothing open', found);

      await page.locator('.ucr-conversation__button', { hasText: GROUP }).click();
      await expectVisible(messageWithText(page, 'Отлично, тогда я возьму нормализацию.'));
      await expectVisible(page.locator('.ucr-connection[data-status="open"]'));
      await check(page, 'conversation', found);
      await screenshot(page, `desktop-conversation-${scheme}`);

      const question = messageWithText(page, 'Я могу, если никто не против.');
      await question.hover();
      await question.getByRole('button', { name: 'Ответить' }).click();
      await expectVisible(page.locator('.ucr-composer[data-mode="reply"]'));
      await check(page, 'reply', found);
      await page.keyboard.press('Escape');

      const own = messageWithText(page, 'Отлично, тогда я возьму нормализацию.');
      await own.hover();
      await own.getByRole('button', { name: 'Изменить' }).click();
      await expectVisible(page.locator('.ucr-composer[data-mode="edit"]'));
      await check(page, 'edit', found);
      await page.keyboard.press('Escape');

      await own.hover();
      await own.getByRole('button', { name: 'Удалить' }).click();
      await expectVisible(own.getByRole('group', { name: 'Удалить сообщение?' }));
      await check(page, 'delete confirmation', found);
      await page.keyboard.press('Escape');

      await page.getByRole('button', { name: 'Новая беседа' }).click();
      await expectVisible(page.locator('form.ucr-create'));
      await page.locator('form.ucr-create').getByText('Группа', { exact: true }).click();
      await check(page, 'new conversation', found);
      await screenshot(page, `new-conversation-${scheme}`);
      await page.keyboard.press('Escape');

      await page.getByRole('searchbox').fill('консультац');
      await expectVisible(page.locator('.ucr-search-hit').first());
      await check(page, 'search results', found);
      await screenshot(page, `search-${scheme}`);

      // The UI in English is checked too, on the open conversation.
      await page.getByRole('group', { name: 'Язык' }).getByRole('button', { name: 'EN' }).click();
      await page.getByRole('searchbox').fill('');
      await expectVisible(page.getByRole('heading', { name: 'Chats' }));
      await check(page, 'conversation in English', found);
      await screenshot(page, `desktop-english-${scheme}`);
      await page
        .getByRole('group', { name: 'Language' })
        .getByRole('button', { name: 'RU' })
        .click();

      expect(found).toEqual({});
    });

    test(`no serious or critical axe violation on the phone screens (${scheme})`, async () => {
      const found: Record<string, AxeProblem[]> = {};
      const page = await harness.newPage(`aizada-${scheme}`, PHONE);
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(harness.url);
      await page.locator('.login__submit').waitFor();
      await check(page, 'phone login', found);
      await signInOn(page, 'aizada');
      await expectVisible(page.locator('.ucr-conversation__title', { hasText: /^Айбек Асанов$/ }));
      await check(page, 'phone list', found);
      await screenshot(page, `mobile-list-${scheme}`);

      await page.locator('.ucr-conversation__button', { hasText: GROUP }).click();
      await expectVisible(messageWithText(page, 'Отлично, тогда я возьму нормализацию.'));
      await check(page, 'phone conversation', found);
      await screenshot(page, `mobile-conversation-${scheme}`);

      expect(found).toEqual({});
    });
  }

  test('the host forces a theme over the system scheme with ucr-theme-light / ucr-theme-dark', async () => {
    const page = await harness.openDemo('theme-override');
    await page.emulateMedia({ colorScheme: 'dark' });
    await signInOn(page, 'aibek');
    const listBackground = () =>
      page
        .locator('.ucr-chat-select')
        .evaluate((element) => getComputedStyle(element).backgroundColor);
    expect(await listBackground()).toBe('rgb(23, 33, 43)');

    await page
      .getByRole('group', { name: 'Тема' })
      .getByRole('button', { name: 'Светлая' })
      .click();
    expect(await listBackground()).toBe('rgb(255, 255, 255)');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('group', { name: 'Тема' }).getByRole('button', { name: 'Тёмная' }).click();
    expect(await listBackground()).toBe('rgb(23, 33, 43)');
    // The choice is the host's: it survives a reload.
    await page.reload();
    await page.locator('.ucr-chat-select').waitFor();
    expect(await listBackground()).toBe('rgb(23, 33, 43)');
  });
});
