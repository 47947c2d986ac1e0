/**
 * The live workspace in the built demo, with three people in three browser
 * contexts against the real reference server (every extension on): a
 * conversation appears in the others' lists over the user stream (no list
 * poll), unread badges and the total (header badge, document title) count up
 * and clear when the conversation is opened, the "new messages" divider,
 * typing in the conversation and in the list, presence in the header and the
 * participant list, receipts that turn "read" when the other person looks,
 * and opt-in desktop notifications only for conversations not in view.
 * The tests run in order and share the pages, as the three people would.
 */
import type { Locator, Page, Route } from 'playwright-core';
import {
  WAIT_MS,
  axeProblems,
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

jest.setTimeout(120_000);

const GROUP = 'Дипломный проект';
const AIBEK = 'Айбек Асанов';
const AIZADA = 'Айзада Токтогулова';
const BASE_TITLE = 'unet-chat · demo';

/** The list row (its button) of a conversation titled `title`. */
function row(page: Page, title: string): Locator {
  return page.locator('.ucr-conversation__button', {
    has: page.locator('.ucr-conversation__title', { hasText: title }),
  });
}

/** The whole conversation list (the 10 s poll), as opposed to one conversation. */
function isListUrl(url: URL): boolean {
  return url.pathname === '/api/unet-chat/conversations/';
}

/** Waits until the page's title is `title`. */
async function expectTitle(page: Page, title: string): Promise<void> {
  await page.waitForFunction((expected) => document.title === expected, title);
}

/**
 * Types `text` into `page`'s composer key by key, and goes on typing (a space,
 * then deleting it) until `shown` is visible: typing frames are throttled to one
 * per 3 s, so one typed just after a send may be held back, as with a person.
 */
async function typeUntilShown(page: Page, text: string, shown: Locator): Promise<void> {
  const field = page.getByRole('textbox', { name: 'Сообщение', exact: true });
  const deadline = Date.now() + WAIT_MS;
  for (let index = 0; ; index++) {
    if (await shown.isVisible()) {
      // The rest of the text, so Enter sends all of it.
      if (index < text.length) await field.pressSequentially(text.slice(index));
      return;
    }
    if (Date.now() > deadline) throw new Error(`Never shown while typing: ${String(shown)}`);
    if (index < text.length) await field.pressSequentially(text[index]!);
    else if (index % 2 === 0) await field.pressSequentially(' ');
    else await field.press('Backspace');
    await shown.waitFor({ state: 'visible', timeout: 250 }).catch(() => undefined);
  }
}

/** Creates a conversation through the "new conversation" panel. */
async function createThroughUi(
  page: Page,
  type: 'private' | 'group',
  people: string[],
  title?: string,
): Promise<void> {
  await page.getByRole('button', { name: 'Новая беседа' }).click();
  const form = page.locator('form.ucr-create');
  if (type === 'group') {
    await form.getByText('Группа', { exact: true }).click();
    if (title) await form.getByLabel('Название группы').fill(title);
  }
  for (const person of people) await form.locator('.ucr-person', { hasText: person }).click();
  await form.getByRole('button', { name: 'Создать' }).click();
}

describeInBrowser('the live workspace in the demo', () => {
  const harness = useDemoHarness();
  let aibek: Page;
  let aizada: Page;
  let bakyt: Page;
  /** Titles of the desktop notifications bakyt's page showed. */
  const notifications = (page: Page) =>
    page.evaluate(() => (window as unknown as { shownNotifications: string[] }).shownNotifications);

  afterEach(() => {
    expect(harness.pageErrors).toEqual([]);
  });

  test('a group created by one person appears in both others’ lists over the user stream, not the poll', async () => {
    aibek = await harness.signIn('aibek');
    aizada = await harness.signIn('aizada');
    bakyt = await harness.signIn('bakyt');
    await expectTitle(aizada, BASE_TITLE);
    // The list poll of both others is held from now on: only the user stream can bring the group.
    const held: Route[] = [];
    for (const page of [aizada, bakyt]) {
      await page.route(isListUrl, (route) => {
        if (route.request().method() !== 'GET') return route.continue();
        held.push(route);
      });
    }

    await createThroughUi(aibek, 'group', [AIZADA, 'Бакыт'], GROUP);
    await expectVisible(aibek.getByRole('heading', { name: GROUP, level: 2 }));
    for (const page of [aizada, bakyt]) await expectVisible(row(page, GROUP));

    for (const page of [aizada, bakyt]) await page.unroute(isListUrl);
    for (const route of held) await route.continue().catch(() => undefined);
  });

  test('presence: the participant list shows who is online', async () => {
    const subtitle = aibek.locator('.ucr-header__subtitle');
    await expectVisible(subtitle.getByText('2 в сети'));
    await expectVisible(subtitle.locator('.ucr-participant[data-online]', { hasText: AIZADA }));
    await expectVisible(subtitle.locator('.ucr-participant[data-online]', { hasText: 'Бакыт' }));
    // The reader is not counted as "online" in their own list.
    await expectHidden(subtitle.locator('.ucr-participant[data-online]', { hasText: 'Вы' }));
  });

  test('unread badges and the total count up, in the list, the header badge and the title', async () => {
    await createThroughUi(aibek, 'private', [AIZADA]);
    await expectVisible(aibek.getByRole('heading', { name: AIZADA, level: 2 }));
    await expectVisible(row(aizada, AIBEK));
    // The private chat's header says the other person is online.
    await expectVisible(
      aibek.locator('.ucr-header .ucr-presence[data-online]', { hasText: 'в сети' }),
    );

    for (const text of ['Привет! Ты здесь?', 'Нужен твой отзыв на главу 2', 'Сегодня до 18:00']) {
      await send(aibek, text);
      await expectVisible(messageWithText(aibek, text).locator('[data-receipt]'));
    }
    const badge = row(aizada, AIBEK).locator('.ucr-badge');
    await expectVisible(badge);
    await aizada.waitForFunction(
      () =>
        document.querySelector('.ucr-conversation__button .ucr-badge [aria-hidden]')
          ?.textContent === '3',
    );
    // The count has a worded label for screen readers, in the row's name.
    await expectVisible(aizada.getByRole('button', { name: /3 непрочитанных/ }));
    await expectVisible(aizada.getByTestId('total-unread').getByText('3', { exact: true }));
    await expectTitle(aizada, `(3) ${BASE_TITLE}`);
    // aizada is online and has not looked: delivered, not read.
    await expectVisible(
      messageWithText(aibek, 'Сегодня до 18:00').locator('[data-receipt="delivered"]'),
    );
    await screenshot(aizada, 'workspace-unread');
  });

  test('opening the conversation clears the counts and turns the receipts to read', async () => {
    await row(aizada, AIBEK).click();
    await expectVisible(messageWithText(aizada, 'Сегодня до 18:00'));
    await expectHidden(row(aizada, AIBEK).locator('.ucr-badge'));
    await expectHidden(aizada.getByTestId('total-unread'));
    await expectTitle(aizada, BASE_TITLE);
    const receipt = messageWithText(aibek, 'Сегодня до 18:00').locator('.ucr-receipt');
    await expectVisible(receipt.and(aibek.locator('[data-receipt="read"]')));
    expect(await receipt.getAttribute('aria-label')).toBe('Прочитано');
    expect(await receipt.getAttribute('title')).toBe('Прочитано');
    // aizada's own header shows aibek's presence.
    await expectVisible(aizada.locator('.ucr-header .ucr-presence', { hasText: 'в сети' }));
  });

  test('the "new messages" divider sits after the last message read', async () => {
    // aizada looks at the group; meanwhile aibek writes in the private chat.
    await row(aizada, GROUP).click();
    await expectVisible(aizada.getByRole('heading', { name: GROUP, level: 2 }));
    await send(aibek, 'Ещё одно: список литературы');
    await send(aibek, 'И титульный лист');
    await aizada.waitForFunction(
      () =>
        document.querySelector('.ucr-conversation__button .ucr-badge [aria-hidden]')
          ?.textContent === '2',
    );
    await expectTitle(aizada, `(2) ${BASE_TITLE}`);

    await row(aizada, AIBEK).click();
    const divider = feed(aizada).locator('.ucr-divider', { hasText: 'Новые сообщения' });
    await expectVisible(divider);
    // In the row of the last message read, before the first new one.
    const dividerRow = feed(aizada).locator('.ucr-row', { has: aizada.locator('.ucr-divider') });
    await expectVisible(dividerRow.getByText('Сегодня до 18:00', { exact: true }));
    const order = await feed(aizada).evaluate((scroller) => {
      const texts = [...scroller.querySelectorAll('.ucr-message__text, .ucr-divider')].map(
        (element) =>
          element.classList.contains('ucr-divider') ? '—divider—' : element.textContent,
      );
      return texts.slice(-3);
    });
    expect(order).toEqual(['—divider—', 'Ещё одно: список литературы', 'И титульный лист']);
    await expectTitle(aizada, BASE_TITLE);
    // The divider, badges and presence add no accessibility problem.
    expect(await axeProblems(aizada)).toEqual([]);
    await screenshot(aizada, 'workspace-divider');
  });

  test('typing shows in the conversation and goes when the message arrives', async () => {
    const typing = aizada.locator('.ucr-typing');
    const field = aibek.getByRole('textbox', { name: 'Сообщение', exact: true });
    await typeUntilShown(aibek, 'Отправлю вечером', typing.getByText(`${AIBEK} печатает…`));
    await screenshot(aizada, 'workspace-typing');
    await field.press('Enter');
    await expectVisible(messageWithText(aizada, 'Отправлю вечером'));
    // Removed by the message itself (the same update), not by the indicator running out.
    expect(await typing.textContent()).toBe('');
  });

  test('three people: typing in a group shows in the list rows of the others', async () => {
    // bakyt is on the group's row in the list (not open); aibek, in the private chat, too.
    const field = aizada.getByRole('textbox', { name: 'Сообщение', exact: true });
    await row(aizada, GROUP).click();
    const typingRow = (page: Page) =>
      row(page, GROUP).locator('.ucr-conversation__typing', { hasText: `${AIZADA} печатает…` });
    await typeUntilShown(aizada, 'Я согласна', typingRow(aibek));
    await expectVisible(typingRow(bakyt));
    await field.press('Enter');
    for (const page of [aibek, bakyt]) {
      await expectVisible(row(page, GROUP).getByText(`${AIZADA}: Я согласна`));
      await expectHidden(row(page, GROUP).locator('.ucr-conversation__typing'));
    }
    // bakyt has not opened the group: one unread.
    await expectVisible(bakyt.getByRole('button', { name: /1 непрочитанное/ }));
  });

  test('desktop notifications, opted in, only for conversations not in view', async () => {
    const context = bakyt.context();
    await context.grantPermissions(['notifications'], { origin: harness.url });
    // Records what the page shows (and still shows it through the real API).
    await bakyt.evaluate(() => {
      const shown: string[] = [];
      (window as unknown as { shownNotifications: string[] }).shownNotifications = shown;
      const Real = window.Notification;
      class Recording extends Real {
        constructor(title: string, options?: NotificationOptions) {
          shown.push(title);
          super(title, options);
        }
      }
      Object.defineProperty(window, 'Notification', { value: Recording, configurable: true });
    });
    await bakyt.getByRole('button', { name: 'Уведомления на рабочем столе' }).click();
    await expectVisible(bakyt.locator('.demo__notify[aria-pressed="true"]'));
    await row(aibek, GROUP).click();
    await send(aibek, 'Бакыт, а ты?');
    await bakyt.waitForFunction(
      () => (window as unknown as { shownNotifications: string[] }).shownNotifications.length > 0,
    );
    expect(await notifications(bakyt)).toEqual([`${AIBEK} в «${GROUP}»`]);

    // With the group open in his focused page, new messages there notify nobody.
    await row(bakyt, GROUP).click();
    await expectVisible(messageWithText(bakyt, 'Бакыт, а ты?'));
    await send(aibek, 'Жду ответа');
    await expectVisible(messageWithText(bakyt, 'Жду ответа'));
    expect(await notifications(bakyt)).toEqual([`${AIBEK} в «${GROUP}»`]);
  });

  test('dark theme and a phone look right', async () => {
    // aizada on a phone: the list with a badge, then the conversation with typing.
    const phone = await harness.openDemo('aizada-phone', {
      viewport: { width: 390, height: 844 },
      scale: 2,
      mobile: true,
    });
    await signInOn(phone, 'aizada');
    await send(aibek, 'Проверь телефон');
    await expectVisible(row(phone, GROUP).locator('.ucr-badge'));
    await screenshot(phone, 'workspace-phone-list');
    await row(phone, GROUP).click();
    await expectVisible(messageWithText(phone, 'Проверь телефон'));
    await typeUntilShown(aibek, 'Ну как', phone.locator('.ucr-typing', { hasText: 'печатает…' }));
    await screenshot(phone, 'workspace-phone-typing');
    await aibek.getByRole('textbox', { name: 'Сообщение', exact: true }).press('Enter');

    await aibek.getByRole('button', { name: 'Тёмная' }).click();
    await row(aibek, AIZADA).click();
    await expectVisible(aibek.locator('[data-receipt="read"]').first());
    await screenshot(aibek, 'workspace-dark');
  });
});
