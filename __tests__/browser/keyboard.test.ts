/**
 * The demo with the keyboard only — signing in, opening a conversation, sending,
 * replying, editing and deleting — plus what a message may contain: links that
 * are safe, addresses that are not and stay text, and a paste over the limit.
 */
import type { Page } from 'playwright-core';
import type { Session } from '../support/server';
import {
  describeInBrowser,
  expectHidden,
  expectVisible,
  feed,
  focused,
  messageWithText,
  screenshot,
  send,
  tabUntil,
  useDemoHarness,
} from './harness';

jest.setTimeout(120_000);

const API = '/api/unet-chat';

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

async function storedTexts(session: Session, conversationId: string): Promise<string[]> {
  const { body } = await session.request<Array<{ text: string }>>(
    'GET',
    `${API}/messages/${conversationId}?limit=200`,
  );
  return body.map((message) => message.text);
}

describeInBrowser('the demo with the keyboard only', () => {
  const harness = useDemoHarness();
  let withAizada: string;
  let aibekApi: Session;

  beforeAll(async () => {
    aibekApi = await harness.server.login('aibek');
    const aizada = await harness.server.login('aizada');
    withAizada = (
      await post(aibekApi, `${API}/conversations/`, {
        type: 'private',
        participant_ids: [2],
      })
    ).id;
    // Enough history that tabbing through every message's buttons would take dozens of presses.
    for (let index = 1; index <= 12; index++) {
      await say(index % 2 ? aizada : aibekApi, withAizada, `Сообщение номер ${index}`);
    }
    await say(aizada, withAizada, 'Ты придёшь на консультацию?');
  }, 60_000);

  afterEach(() => {
    expect(harness.pageErrors).toEqual([]);
  });

  test('sign in, open a conversation, send, reply, edit and delete without a mouse', async () => {
    const page = await harness.openDemo('aibek');

    // Sign in: the user list is one radio group, the password is filled in, Enter submits.
    await tabUntil(page, (element) => element.tag === 'input' && element.cls === '');
    await page.keyboard.press('Enter');
    await page.locator('.ucr-chat-select').waitFor();

    // Enter on a conversation opens it and puts the focus in its composer.
    await tabUntil(page, (element) => element.name.startsWith('АТАйзада Токтогулова'));
    await page.keyboard.press('Enter');
    await expectVisible(messageWithText(page, 'Ты придёшь на консультацию?'));
    const composer = page.getByRole('textbox', { name: 'Сообщение', exact: true });
    await expect(composer.evaluate((field) => field === document.activeElement)).resolves.toBe(
      true,
    );

    // Send.
    await page.keyboard.type('Да, буду к двум.');
    await page.keyboard.press('Enter');
    await expectVisible(
      messageWithText(page, 'Да, буду к двум.').and(page.locator('[data-status="sent"]')),
    );

    // From the composer back into the list takes a few presses, not one per button
    // of every message, and entering the list does not move the view. The view is its
    // distance from the bottom: a row that settles a little taller after the send (drawn by a
    // later, paced render) moves scrollTop without moving the view (a CI run saw 233 → 235).
    const fromBottom = (scroller: HTMLElement) =>
      scroller.scrollHeight - scroller.clientHeight - scroller.scrollTop;
    const scrollBefore = await feed(page).evaluate(fromBottom);
    const back = await tabUntil(
      page,
      (element) => element.tag === 'article' && element.cls.includes('ucr-message'),
      { backwards: true },
    );
    expect(back).toBeLessThanOrEqual(5);
    expect(await feed(page).evaluate(fromBottom)).toBe(scrollBefore);
    // It lands on the newest message, and from there forward to the composer is as short.
    await expect(
      page.evaluate(() => document.activeElement?.textContent?.includes('Да, буду к двум.')),
    ).resolves.toBe(true);
    const forward = await tabUntil(page, (element) => element.tag === 'textarea');
    expect(forward).toBeLessThanOrEqual(5);

    // ↑ moves to the question above; R replies to it and the composer takes the focus.
    await tabUntil(page, (element) => element.tag === 'article', { backwards: true });
    await page.keyboard.press('ArrowUp');
    await expect(
      page.evaluate(() => document.activeElement?.textContent?.includes('Ты придёшь')),
    ).resolves.toBe(true);
    // The focused message shows its actions.
    await expectVisible(
      messageWithText(page, 'Ты придёшь на консультацию?').getByRole('button', {
        name: 'Ответить',
      }),
    );
    await screenshot(page, 'keyboard-focus');
    await page.keyboard.press('r');
    await expectVisible(page.locator('.ucr-composer[data-mode="reply"]'));
    // Esc cancels the reply; back in the list, R again starts it.
    await page.keyboard.press('Escape');
    await expectVisible(page.locator('.ucr-composer[data-mode="new"]'));
    await tabUntil(page, (element) => element.tag === 'article', { backwards: true });
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('r');
    await expectVisible(page.locator('.ucr-composer[data-mode="reply"]'));
    await page.keyboard.type('Конечно!');
    await page.keyboard.press('Enter');
    const reply = messageWithText(page, 'Конечно!');
    await expectVisible(reply.locator('.ucr-quote', { hasText: 'Ты придёшь на консультацию?' }));
    // ↑ edits the newest own message the server has: until the reply is confirmed, that is
    // the one before it (pressed at once, the test edited that one on a loaded machine).
    await expectVisible(reply.and(page.locator('[data-status="sent"]')));

    // ↑ in the empty composer edits the last own message; Enter saves.
    await page.keyboard.press('ArrowUp');
    await expectVisible(page.locator('.ucr-composer[data-mode="edit"]'));
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Конечно, приду!');
    await page.keyboard.press('Enter');
    await expectVisible(messageWithText(page, 'Конечно, приду!').locator('.ucr-message__edited'));

    // E on an own message edits it, Esc cancels the edit.
    await tabUntil(page, (element) => element.tag === 'article', { backwards: true });
    await page.keyboard.press('End');
    await page.keyboard.press('e');
    await expectVisible(page.locator('.ucr-composer[data-mode="edit"]'));
    await page.keyboard.press('Escape');
    await expectVisible(page.locator('.ucr-composer[data-mode="new"]'));

    // Delete on an own message asks first; the confirmation has the focus; Enter deletes.
    await tabUntil(page, (element) => element.tag === 'article', { backwards: true });
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowUp');
    await expect(
      page.evaluate(() => document.activeElement?.textContent?.includes('Да, буду к двум.')),
    ).resolves.toBe(true);
    await page.keyboard.press('Delete');
    const confirm = messageWithText(page, 'Да, буду к двум.').getByRole('group', {
      name: 'Удалить сообщение?',
    });
    await expectVisible(confirm);
    expect((await focused(page)).name).toBe('Удалить');
    await page.keyboard.press('Enter');
    await expectHidden(messageWithText(page, 'Да, буду к двум.'));
    // The focus stays in the list, on a neighbour, instead of falling to the page.
    await expect(page.evaluate(() => document.activeElement?.tagName)).resolves.toBe('ARTICLE');

    const texts = await storedTexts(aibekApi, withAizada);
    expect(texts).not.toContain('Да, буду к двум.');
    expect(texts.at(-1)).toBe('Конечно, приду!');
  });

  test('makes http(s) and mailto addresses safe links, keeps javascript: and data: as text, and wraps long URLs', async () => {
    const page = await harness.signIn('aibek');
    await page.locator('.ucr-conversation__button', { hasText: 'Айзада Токтогулова' }).click();
    const longUrl = `https://kstu.kg/files/${'raspisanie-konsultaciy-'.repeat(8)}2024.pdf`;
    const text =
      `Расписание: ${longUrl}. Почта: mailto:dekanat@kstu.kg, ` +
      'а это не ссылки: javascript:alert(1) data:text/html,<b>x</b> www.kstu.kg';
    await send(page, text);
    const row = messageWithText(page, text);
    await expectVisible(row.and(page.locator('[data-status="sent"]')));

    const links = await row.locator('.ucr-message__text a').evaluateAll((anchors) =>
      anchors.map((anchor) => ({
        href: anchor.getAttribute('href'),
        text: anchor.textContent,
        rel: anchor.getAttribute('rel'),
        target: anchor.getAttribute('target'),
      })),
    );
    expect(links).toEqual([
      { href: longUrl, text: longUrl, rel: 'noopener noreferrer', target: '_blank' },
      {
        href: 'mailto:dekanat@kstu.kg',
        text: 'mailto:dekanat@kstu.kg',
        rel: 'noopener noreferrer',
        target: '_blank',
      },
    ]);
    // The whole text is still there, as text; nothing else became an element.
    expect(await row.locator('.ucr-message__text').textContent()).toBe(text);
    expect(await row.locator('.ucr-message__text *:not(a)').count()).toBe(0);
    expect(await page.locator('a[href^="javascript"], a[href^="data"]').count()).toBe(0);

    // The long address wraps inside the bubble; nothing sticks out sideways.
    const fits = await row.evaluate((article) => {
      const bubble = article.querySelector('.ucr-bubble') as HTMLElement;
      const list = article.closest('.ucr-message-list__scroller') as HTMLElement;
      return {
        bubble: bubble.scrollWidth <= bubble.clientWidth,
        list: list.scrollWidth <= list.clientWidth,
      };
    });
    expect(fits).toEqual({ bubble: true, list: true });
    await screenshot(page, 'links');
  });

  test('a 5,000-character paste is sent as two messages in order, and the composer stops growing', async () => {
    const page = await harness.signIn('aibek');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.locator('.ucr-conversation__button', { hasText: 'Айзада Токтогулова' }).click();
    const first = `Первая часть. ${'Текст лекции по базам данных. '.repeat(100)}`.trim();
    const second = `Вторая часть. ${'Нормальные формы и индексы. '.repeat(60)}`.trim();
    const pasted = `${first}\n\n${second}`;
    expect(pasted.length).toBeGreaterThan(4000);
    expect(pasted.length).toBeLessThan(6000);

    const composer = page.getByRole('textbox', { name: 'Сообщение', exact: true });
    await composer.focus();
    await page.evaluate((value) => navigator.clipboard.writeText(value), pasted);
    await page.keyboard.press('ControlOrMeta+v');

    // Nothing was cut, and the composer says what will happen before it happens.
    await expect(composer.inputValue()).resolves.toBe(pasted);
    await expectVisible(page.getByText(/оно уйдёт 2 сообщениями по порядку/));
    await expectVisible(page.getByRole('button', { name: 'Отправить 2 сообщениями' }));
    const size = await composer.evaluate((field) => ({
      height: field.getBoundingClientRect().height,
      scrolls: field.scrollHeight > field.clientHeight,
    }));
    expect(size.height).toBeLessThanOrEqual(210);
    expect(size.scrolls).toBe(true);
    await screenshot(page, 'long-paste');

    await composer.press('Enter');
    await expectVisible(messageWithText(page, second).and(page.locator('[data-status="sent"]')));
    await expectVisible(messageWithText(page, first));
    const texts = await storedTexts(aibekApi, withAizada);
    expect(texts.slice(-2)).toEqual([first, second]);
    await expect(composer.inputValue()).resolves.toBe('');
  });
});

export type { Page };
