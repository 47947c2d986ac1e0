/**
 * Getting around the demo: the open conversation in the URL (reload, Back and
 * Forward), message search and jumping to a result (on the reference server,
 * and against a server without search), the phone with its keyboard open, and
 * the words people see when things go wrong (sign-in, expiry, a failed list).
 */
import type { Page } from 'playwright-core';
import type { Session } from '../support/server';
import {
  describeInBrowser,
  expectHidden,
  expectVisible,
  feed,
  messageWithText,
  screenshot,
  send,
  signInOn,
  useDemoHarness,
} from './harness';
import type { PersonOptions } from './harness';

jest.setTimeout(120_000);

const API = '/api/unet-chat';
const PHONE: PersonOptions = { viewport: { width: 390, height: 844 }, scale: 2, mobile: true };
const LONG_TITLE = 'Подготовка к государственному экзамену по информатике и вычислительной технике';

async function post(session: Session, path: string, body: unknown): Promise<{ id: string }> {
  const { status, body: answer } = await session.request<{ id: string }>('POST', path, body);
  if (status !== 201) throw new Error(`POST ${path} answered ${status}: ${JSON.stringify(answer)}`);
  return answer;
}

const say = (session: Session, conversationId: string, text: string) =>
  post(session, `${API}/messages/`, {
    conversation_id: conversationId,
    sender_id: session.user.id,
    text,
    reply_to: null,
  });

function conversationButton(page: Page, title: string) {
  return page.locator('.ucr-conversation__button').filter({
    has: page.locator('.ucr-conversation__title', { hasText: new RegExp(`^${title}$`) }),
  });
}

function openHeading(page: Page) {
  return page.locator('.ucr-header__title');
}

describeInBrowser('getting around the demo', () => {
  const harness = useDemoHarness();
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const [aibek, aizada, bakyt] = await Promise.all(
      (['aibek', 'aizada', 'bakyt'] as const).map((name) => harness.server.login(name)),
    );
    ids.group = (
      await post(aibek!, `${API}/conversations/`, {
        type: 'group',
        title: 'Экзамены',
        participant_ids: [2, 3],
      })
    ).id;
    ids.long = (
      await post(aibek!, `${API}/conversations/`, {
        type: 'group',
        title: LONG_TITLE,
        participant_ids: [2],
      })
    ).id;
    ids.private = (
      await post(aibek!, `${API}/conversations/`, {
        type: 'private',
        participant_ids: [2],
      })
    ).id;
    await say(aizada!, ids.private, 'Ведомость по матанализу уже подписали.');
    for (let index = 1; index <= 30; index++) {
      await say(index % 2 ? bakyt! : aizada!, ids.group!, `Вопрос к билету ${index}`);
    }
    await say(aibek!, ids.long!, 'Первая встреча в среду.');
    await say(aizada!, ids.group!, 'Последнее сообщение группы');
  }, 60_000);

  afterEach(() => {
    expect(harness.pageErrors).toEqual([]);
  });

  test('the open conversation is in the URL: a reload restores it, and Back and Forward move between conversations', async () => {
    const page = await harness.signIn('aibek');
    await conversationButton(page, 'Экзамены').click();
    await expectVisible(openHeading(page).getByText('Экзамены', { exact: true }));
    expect(new URL(page.url()).searchParams.get('c')).toBe(ids.group);

    await page.reload();
    await expectVisible(openHeading(page).getByText('Экзамены', { exact: true }));
    await expectVisible(messageWithText(page, 'Последнее сообщение группы'));
    await expectVisible(
      conversationButton(page, 'Экзамены').and(page.locator('[aria-current="true"]')),
    );

    await conversationButton(page, 'Айзада Токтогулова').click();
    await expectVisible(openHeading(page).getByText('Айзада Токтогулова', { exact: true }));
    expect(new URL(page.url()).searchParams.get('c')).toBe(ids.private);

    await page.goBack();
    await expectVisible(openHeading(page).getByText('Экзамены', { exact: true }));
    expect(new URL(page.url()).searchParams.get('c')).toBe(ids.group);
    await page.goForward();
    await expectVisible(openHeading(page).getByText('Айзада Токтогулова', { exact: true }));

    // A shared link opens the conversation for someone who signs in with it.
    const other = await harness.newPage('aizada-link');
    await other.goto(`${harness.url}/?c=${ids.group}`);
    await other.locator('.login__submit').waitFor();
    await signInOn(other, 'aizada');
    await expectVisible(openHeading(other).getByText('Экзамены', { exact: true }));
  });

  test('search finds messages on the server and jumps to a loaded one, highlighted and focused', async () => {
    const page = await harness.signIn('aibek');
    await conversationButton(page, 'Экзамены').click();
    await expectVisible(messageWithText(page, 'Последнее сообщение группы'));

    await page.getByRole('searchbox').fill('билету 27');
    const hit = page.locator('.ucr-search-hit', { hasText: 'Вопрос к билету 27' });
    await expectVisible(hit);
    expect(await hit.locator('mark').allTextContents()).toEqual(['билету', '27']);
    await expectHidden(page.getByText(/показаны совпадения только среди загруженных/));
    await hit.click();

    const target = messageWithText(page, 'Вопрос к билету 27');
    await expectVisible(target.and(page.locator('.ucr-message--highlighted')));
    await expect(target.evaluate((row) => row === document.activeElement)).resolves.toBe(true);
    // It is in view, not just in the DOM.
    const inView = await target.evaluate((row) => {
      const box = row.getBoundingClientRect();
      const frame = row.closest('.ucr-message-list__scroller')!.getBoundingClientRect();
      return box.top >= frame.top && box.bottom <= frame.bottom;
    });
    expect(inView).toBe(true);
    await screenshot(page, 'search-jump');

    // In another conversation, a result opens that conversation at the message.
    await page.getByRole('searchbox').fill('ведомость');
    await page.locator('.ucr-search-hit', { hasText: 'Ведомость по матанализу' }).click();
    await expectVisible(openHeading(page).getByText('Айзада Токтогулова', { exact: true }));
    await expectVisible(
      messageWithText(page, 'Ведомость по матанализу уже подписали.').and(
        page.locator('.ucr-message--highlighted'),
      ),
    );
  });

  test('against a server without message search, search covers the loaded messages and says so', async () => {
    const page = await harness.signIn('aibek');
    await page.route('**/api/unet-chat/messages/search**', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: '{"detail":"Not Found"}',
      }),
    );
    await conversationButton(page, 'Экзамены').click();
    await expectVisible(messageWithText(page, 'Последнее сообщение группы'));

    await page.getByRole('searchbox').fill('последнее');
    await expectVisible(page.getByText(/Сервер не умеет искать по сообщениям/));
    const hit = page.locator('.ucr-search-hit', { hasText: 'Последнее сообщение группы' });
    await expectVisible(hit);
    // The private conversation was never opened here, so its messages are not searched.
    await page.getByRole('searchbox').fill('ведомость');
    await expectVisible(page.getByText('В сообщениях ничего не найдено'));
    await page.getByRole('searchbox').fill('последнее');
    await hit.click();
    await expectVisible(
      messageWithText(page, 'Последнее сообщение группы').and(
        page.locator('.ucr-message--highlighted'),
      ),
    );
  });

  test('on a phone with the keyboard open, the composer stays above it and names are not cut off', async () => {
    const page = await harness.newPage('aizada-phone', PHONE);
    // A stand-in for the on-screen keyboard: the visual viewport shrinks, the layout viewport stays.
    await page.addInitScript(() => {
      const target = new EventTarget();
      let keyboard = 0;
      // Getters, read on every access (Object.assign would copy today's values once).
      const fake = Object.defineProperties(target, {
        width: { get: () => window.innerWidth },
        height: { get: () => window.innerHeight - keyboard },
        offsetTop: { value: 0 },
        offsetLeft: { value: 0 },
        pageTop: { get: () => window.scrollY },
        pageLeft: { get: () => window.scrollX },
        scale: { value: 1 },
      });
      Object.defineProperty(window, 'visualViewport', { configurable: true, get: () => fake });
      Object.assign(window, {
        __keyboard(px: number) {
          keyboard = px;
          target.dispatchEvent(new Event('resize'));
        },
      });
    });
    await page.goto(harness.url);
    await page.locator('.login__submit').waitFor();
    await signInOn(page, 'aizada');

    // The people picker shows whole names.
    await page.getByRole('button', { name: 'Новая беседа' }).click();
    await page.locator('form.ucr-create').getByText('Группа', { exact: true }).click();
    const clipped = await page
      .locator('.ucr-person__name, .ucr-person__username')
      .evaluateAll((elements) =>
        elements
          .filter((element) => element.scrollWidth > element.clientWidth + 1)
          .map((element) => element.textContent),
      );
    expect(clipped).toEqual([]);
    expect(await page.locator('.ucr-person__username').allTextContents()).toContain('@aibek');
    await screenshot(page, 'mobile-people-picker');
    await page.getByRole('button', { name: 'Закрыть' }).click();

    await conversationButton(page, LONG_TITLE).click();
    await expectVisible(messageWithText(page, 'Первая встреча в среду.'));
    // The header shows the whole long title.
    const title = openHeading(page);
    expect(await title.textContent()).toBe(LONG_TITLE);
    expect(
      await title.evaluate(
        (element) =>
          element.scrollWidth <= element.clientWidth &&
          element.scrollHeight <= element.clientHeight + 1,
      ),
    ).toBe(true);

    const composer = page.getByRole('textbox', { name: 'Сообщение', exact: true });
    await composer.focus();
    const keyboard = 336;
    await page.evaluate(
      (px) => (window as unknown as { __keyboard(px: number): void }).__keyboard(px),
      keyboard,
    );
    const visibleBottom = 844 - keyboard;
    await page.waitForFunction((bottom) => {
      const form = document.querySelector('.ucr-composer');
      return form !== null && form.getBoundingClientRect().bottom <= bottom + 0.5;
    }, visibleBottom);
    // The newest message stays visible between the header and the composer.
    await send(page, 'Пишу с телефона');
    const last = messageWithText(page, 'Пишу с телефона');
    await expectVisible(last.and(page.locator('[data-status="sent"]')));
    await page.waitForFunction((bottom) => {
      const rows = document.querySelectorAll('.ucr-message');
      const row = rows[rows.length - 1];
      const form = document.querySelector('.ucr-composer')!.getBoundingClientRect();
      const box = row?.getBoundingClientRect();
      return box !== undefined && box.bottom <= form.top + 0.5 && form.bottom <= bottom + 0.5;
    }, visibleBottom);
    await expect(composer.evaluate((field) => field === document.activeElement)).resolves.toBe(
      true,
    );
    await screenshotVisible(page, visibleBottom);

    // The keyboard closes: the page takes the whole screen again.
    await page.evaluate(() =>
      (window as unknown as { __keyboard(px: number): void }).__keyboard(0),
    );
    await page.waitForFunction(() => {
      const form = document.querySelector('.ucr-composer')!.getBoundingClientRect();
      return form.bottom > 800;
    });
    expect(
      await feed(page).evaluate((scroller) => scroller.scrollWidth <= scroller.clientWidth),
    ).toBe(true);
  });

  test('sign-in problems are worded in the UI language, an empty password is never sent, and an expired session shows no user', async () => {
    const page = await harness.openDemo('sign-in');
    const logins: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/auth/login/')) logins.push(request.postData() ?? '');
    });

    await page.locator('.login__password-field').fill('');
    await page.locator('.login__submit').click();
    await expectVisible(page.getByRole('alert').getByText('Введите пароль'));
    expect(logins).toEqual([]);

    await page.locator('.login__password-field').fill('wrong');
    await page.locator('.login__submit').click();
    const refused = page.getByRole('alert').getByText('Неверное имя пользователя или пароль');
    await expectVisible(refused);
    // The server's own words only in the tooltip.
    expect(await refused.getAttribute('title')).toBe('Invalid username or password.');
    expect(logins).toHaveLength(1);
    expect(await page.locator('body').textContent()).not.toContain('Invalid username');

    // English too.
    await page.getByRole('group', { name: 'Язык' }).getByRole('button', { name: 'EN' }).click();
    await page.locator('.login__submit').click();
    await expectVisible(page.getByRole('alert').getByText('Wrong username or password'));
    await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: 'RU' }).click();

    // A session whose tokens no longer work: the chat gives up and shows the login,
    // without the name of someone who is not signed in any more.
    await page.evaluate(() =>
      sessionStorage.setItem(
        'auth_data',
        JSON.stringify({
          access: 'expired.token.value',
          refresh: 'expired.refresh.value',
          user: { id: 1, username: 'aibek', full_name: 'Айбек Асанов' },
        }),
      ),
    );
    await page.reload();
    await expectVisible(page.getByRole('alert').getByText('Сессия истекла — войдите снова.'));
    await expectHidden(page.getByTestId('current-user'));
    await expectHidden(page.getByRole('button', { name: 'Выйти' }));
    await screenshot(page, 'login-after-expiry');
    await signInOn(page, 'aibek');
    await expectVisible(page.getByTestId('current-user').getByText('Айбек Асанов'));
  });

  test('a conversation list that cannot be loaded says why, in Russian, with Retry', async () => {
    const page = await harness.openDemo('offline-list');
    await page.route('**/api/unet-chat/conversations/', (route) =>
      route.abort('internetdisconnected'),
    );
    await signInOn(page, 'aibek');
    const failure = page.locator('.ucr-list-error');
    await expectVisible(failure.getByText('Не удалось загрузить беседы'));
    await expectVisible(failure.getByText('Нет связи с сервером'));
    expect(await page.locator('.ucr-chat-select').textContent()).not.toMatch(
      /Failed to fetch|TypeError|Бесед пока нет/,
    );
    await screenshot(page, 'list-load-failed');

    await page.unroute('**/api/unet-chat/conversations/');
    await failure.getByRole('button', { name: 'Повторить' }).click();
    await expectVisible(conversationButton(page, 'Экзамены'));
    await expectHidden(failure);
  });
});

/** The part of the phone screen above the keyboard, for the docs. */
async function screenshotVisible(page: Page, height: number): Promise<void> {
  if (process.env.CI) return;
  const { resolve } = await import('node:path');
  await page.screenshot({
    path: resolve(__dirname, '../../docs/images/mobile-keyboard-open.png'),
    clip: { x: 0, y: 0, width: 390, height },
    animations: 'disabled',
  });
}
