/**
 * Two people in two browser contexts, on the built demo served by the real
 * reference server: a group created through the UI, messages both ways, reply,
 * edit and delete, markup that must stay text, and a server restart.
 * The tests run in order and share the two pages, as two people would.
 */
import type { Page } from 'playwright-core';
import type { Session } from '../support/server';
import {
  collectRows,
  connection,
  describeInBrowser,
  expectHidden,
  expectVisible,
  feed,
  messageWithText,
  screenshot,
  send,
  useDemoHarness,
  WAIT_MS,
} from './harness';

jest.setTimeout(90_000);

const GROUP_TITLE = 'Экзамены';

describeInBrowser('two people chatting in the demo', () => {
  const harness = useDemoHarness();
  let aibek: Page;
  let aizada: Page;
  /** Every text sent so far, in order. */
  const sent: string[] = [];

  async function say(page: Page, text: string): Promise<void> {
    await send(page, text);
    sent.push(text);
  }

  async function bothSee(text: string): Promise<void> {
    await expectVisible(messageWithText(aibek, text));
    await expectVisible(messageWithText(aizada, text));
  }

  // aibek's other conversations (without aizada, whose list starts empty), so his list looks lived in.
  beforeAll(async () => {
    const [aibekApi, bakyt, elena] = await Promise.all(
      (['aibek', 'bakyt', 'elena'] as const).map((name) => harness.server.login(name)),
    );
    const create = async (session: Session, body: unknown) =>
      (await session.request<{ id: string }>('POST', '/api/unet-chat/conversations/', body)).body
        .id;
    const post = (session: Session, conversationId: string, text: string) =>
      session.request('POST', '/api/unet-chat/messages/', {
        conversation_id: conversationId,
        sender_id: session.user.id,
        text,
        reply_to: null,
      });
    const coursework = await create(aibekApi!, {
      type: 'group',
      title: 'Курсовая по базам данных',
      participant_ids: [3, 4],
    });
    await post(bakyt!, coursework, 'Кто берёт тему про индексы?');
    await post(elena!, coursework, 'Я возьму нормализацию.');
    const withBakyt = await create(aibekApi!, { type: 'private', participant_ids: [3] });
    await post(bakyt!, withBakyt, 'Футбол в субботу в силе?');
    const withElena = await create(aibekApi!, { type: 'private', participant_ids: [4] });
    await post(aibekApi!, withElena, 'Спасибо за конспект!');
  }, 60_000);

  afterEach(() => {
    expect(harness.pageErrors).toEqual([]);
  });

  test('log in, create a group through the UI, and exchange messages both ways without reload', async () => {
    aibek = await harness.signIn('aibek');
    aizada = await harness.signIn('aizada');
    await screenshot(aizada, 'login-done-empty-list');

    // aibek opens the "new conversation" panel and creates a group with aizada.
    await aibek.getByRole('button', { name: 'Новая беседа' }).click();
    const form = aibek.locator('form.ucr-create');
    await form.getByText('Группа', { exact: true }).click();
    await form.getByLabel('Название группы').fill(GROUP_TITLE);
    await form.locator('.ucr-person', { hasText: 'Айзада Токтогулова' }).click();
    await screenshot(aibek, 'new-conversation-panel');
    await form.getByRole('button', { name: 'Создать' }).click();

    // The new group opens for its creator, connected.
    await expectVisible(aibek.getByRole('heading', { name: GROUP_TITLE, level: 2 }));
    await expectVisible(connection(aibek, 'open'));
    // On a wide screen the list and the conversation are side by side: no back button.
    await expectHidden(aibek.getByRole('button', { name: 'Назад к списку бесед' }));

    // aizada's list refreshes every 10 s: the group appears without a reload.
    const group = aizada.locator('.ucr-conversation__button', { hasText: GROUP_TITLE });
    await expectVisible(group, WAIT_MS + 10_000);
    await group.click();
    await expectVisible(connection(aizada, 'open'));

    const urlBefore = aizada.url();
    const navigations: string[] = [];
    for (const page of [aibek, aizada]) {
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) navigations.push(frame.url());
      });
    }

    await say(aibek, 'Привет! Когда консультация по матанализу?');
    await bothSee(sent[0]!);
    await say(aizada, 'В четверг в 14:00, аудитория 305.');
    await bothSee(sent[1]!);
    await say(aibek, 'Спасибо! Возьму конспекты.');
    await bothSee(sent[2]!);
    await say(aizada, 'Бакыт тоже придёт?');
    await bothSee(sent[3]!);
    await say(aibek, 'Да, встретимся у входа в 13:50.');
    await bothSee(sent[4]!);

    expect(navigations).toEqual([]);
    expect(aizada.url()).toBe(urlBefore);
    // Own messages on the right, the other person's on the left.
    await expectVisible(messageWithText(aibek, sent[0]!).and(aibek.locator('.ucr-message--own')));
    await expectVisible(
      messageWithText(aizada, sent[0]!).and(aizada.locator('.ucr-message--other')),
    );
    // The list shows the last message as a preview.
    await expectVisible(
      aizada.locator('.ucr-conversation__preview', { hasText: `Айбек Асанов: ${sent[4]!}` }),
    );
    await screenshot(aizada, 'desktop-conversation');
  });

  test('reply, edit and delete reach the other page', async () => {
    // aizada replies to aibek's question.
    const question = messageWithText(aizada, sent[0]!);
    await question.hover();
    await question.getByRole('button', { name: 'Ответить' }).click();
    await expectVisible(aizada.locator('.ucr-composer[data-mode="reply"]'));
    await expectVisible(aizada.getByText('Ответ Айбек Асанов'));
    await screenshot(aizada, 'reply-composer');
    await say(aizada, 'И не забудь зачётку.');
    const reply = messageWithText(aibek, 'И не забудь зачётку.');
    await expectVisible(reply);
    await expectVisible(reply.locator('.ucr-quote', { hasText: sent[0]! }));
    await expectVisible(
      messageWithText(aizada, 'И не забудь зачётку.').locator('.ucr-quote', { hasText: sent[0]! }),
    );

    // aibek edits an earlier message of his.
    const thanks = messageWithText(aibek, sent[2]!);
    await thanks.hover();
    await thanks.getByRole('button', { name: 'Изменить' }).click();
    const field = aibek.getByRole('textbox', { name: 'Сообщение', exact: true });
    await expectVisible(aibek.locator('.ucr-composer[data-mode="edit"]'));
    await field.fill('Спасибо! Возьму конспекты и калькулятор.');
    await screenshot(aibek, 'edit-composer');
    await field.press('Enter');
    const edited = 'Спасибо! Возьму конспекты и калькулятор.';
    sent[2] = edited;
    for (const page of [aibek, aizada]) {
      const row = messageWithText(page, edited);
      await expectVisible(row);
      await expectVisible(row.locator('.ucr-message__edited', { hasText: 'изменено' }));
      await expectHidden(messageWithText(page, 'Спасибо! Возьму конспекты.'));
    }

    // aibek sends a slip and deletes it, confirming.
    await say(aibek, 'Опечатка, удалю');
    await bothSee('Опечатка, удалю');
    const slip = messageWithText(aibek, 'Опечатка, удалю');
    await slip.hover();
    await slip.getByRole('button', { name: 'Удалить' }).click();
    await expectVisible(slip.getByRole('group', { name: 'Удалить сообщение?' }));
    await screenshot(aibek, 'delete-confirmation');
    await slip.getByRole('group').getByRole('button', { name: 'Удалить' }).click();
    sent.pop();
    await expectHidden(messageWithText(aibek, 'Опечатка, удалю'));
    await expectHidden(messageWithText(aizada, 'Опечатка, удалю'));
    // The reply bar and the quote stay consistent after all that.
    await expectVisible(messageWithText(aibek, 'И не забудь зачётку.'));
    await screenshot(aibek, 'demo');
  });

  test('markup in a message is shown as text and creates no element', async () => {
    const markup = '<img src=x onerror=alert(1)>';
    await say(aibek, markup);
    await bothSee(markup);
    for (const page of [aibek, aizada]) {
      expect(await messageWithText(page, markup).locator('.ucr-message__text').textContent()).toBe(
        markup,
      );
      expect(await feed(page).locator('img').count()).toBe(0);
      // Nor in the list's preview, nor anywhere else on the page.
      expect(await page.locator('img').count()).toBe(0);
    }
    await expectVisible(aizada.locator('.ucr-conversation__preview', { hasText: markup }));
    // A broken image would have fired onerror by now; give it a beat anyway.
    await aizada.evaluate(() => new Promise((done) => setTimeout(done, 300)));
    expect(harness.dialogs).toEqual([]);
  });

  test('a server restart shows "reconnecting" on both pages, then recovers with nothing lost or doubled', async () => {
    await expectVisible(connection(aibek, 'open'));
    await expectVisible(connection(aizada, 'open'));

    await harness.stopServer();
    for (const page of [aibek, aizada]) {
      const indicator = connection(page, 'reconnecting');
      await expectVisible(indicator);
      await expectVisible(indicator.getByText(/^Переподключение/));
    }
    await screenshot(aizada, 'reconnecting');

    // Written while the server is down: it must arrive once the server is back.
    await say(aibek, 'Пишу, пока сервер перезапускается');
    await expectVisible(messageWithText(aibek, 'Пишу, пока сервер перезапускается'));

    await harness.startServer();
    for (const page of [aibek, aizada]) {
      await expectVisible(connection(page, 'open'), 45_000);
    }
    await bothSee('Пишу, пока сервер перезапускается');

    await say(aizada, 'Сервер вернулся, всё дошло');
    await bothSee('Сервер вернулся, всё дошло');
    await say(aibek, 'Да, вижу');
    await bothSee('Да, вижу');
    await expectVisible(
      messageWithText(aibek, 'Да, вижу').and(aibek.locator('[data-status="sent"]')),
    );

    // The server has each message exactly once...
    const session = await harness.server.login('aibek');
    const { body: conversations } = await session.request<Array<{ id: string; title: string }>>(
      'GET',
      '/api/unet-chat/conversations/',
    );
    const group = conversations.find((conversation) => conversation.title === GROUP_TITLE)!;
    const { body: stored } = await session.request<Array<{ text: string }>>(
      'GET',
      `/api/unet-chat/messages/${group.id}?limit=100`,
    );
    expect(stored.map((message) => message.text).sort()).toEqual([...sent].sort());

    // ...and both pages show each exactly once, in the same order, all sent.
    for (const page of [aibek, aizada]) {
      const { rows, duplicates } = await collectRows(page);
      expect(duplicates).toBe(0);
      expect(rows.map((row) => row.text)).toEqual(sent);
      expect(new Set(rows.map((row) => row.id)).size).toBe(sent.length);
      expect(rows.every((row) => row.status === 'sent')).toBe(true);
    }
    await screenshot(aibek, 'desktop-after-restart');
  });
});
