/**
 * A conversation of 10,000 messages in the demo: it opens at the newest
 * message and can be scrolled back to the very first one while the virtualized
 * list keeps fewer than 200 message rows in the DOM at any moment.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Page } from 'playwright-core';
import { closeDatabase, openDatabase } from '../../server/db';
import { seedDemoUsers } from '../../server/users';
import {
  describeInBrowser,
  expectHidden,
  expectVisible,
  feed,
  messageWithText,
  screenshot,
  signInOn,
  useDemoHarness,
} from './harness';

jest.setTimeout(180_000);

const MESSAGE_COUNT = 10_000;
const MAX_ROWS = 200;
const TITLE = 'Поток ИВТ-21';

const phrases = [
  'Кто идёт на лекцию по физике?',
  'Я уже в аудитории, занимаю места.',
  'Скиньте, пожалуйста, задание по базам данных.',
  'Лабораторную сдаём до пятницы.',
  'Консультация перенесена на 15:30.',
  'Спасибо!',
  'В библиотеке появились новые учебники по алгоритмам.',
  'Встречаемся у главного корпуса.',
];

function textOf(number: number): string {
  return `№${number}. ${phrases[number % phrases.length]}`;
}

/**
 * Writes the conversation straight into the database file, the way the server
 * stores it (server/db.ts): one row a minute, ordered v7 ids.
 */
async function seedLongConversation(dbPath: string): Promise<void> {
  const db = openDatabase(dbPath);
  try {
    await seedDemoUsers(db);
    const start = Date.now() - (MESSAGE_COUNT + 10) * 60_000;
    const conversationId = uuidv7({ msecs: start });
    db.transaction(() => {
      db.prepare(
        `INSERT INTO conversations (id, type, title, created_by, created_at, service, service_id)
         VALUES (?, 'group', ?, 1, ?, NULL, NULL)`,
      ).run(conversationId, TITLE, start);
      const join = db.prepare(
        'INSERT INTO participants (conversation_id, user_id, joined_at) VALUES (?, ?, ?)',
      );
      for (const userId of [1, 2, 3, 4]) join.run(conversationId, userId, start);
      const insert = db.prepare(
        `INSERT INTO messages (id, conversation_id, sender_id, text, reply_to, is_edited,
           created_at, updated_at, deleted_at, client_id)
         VALUES (?, ?, ?, ?, NULL, 0, ?, NULL, NULL, NULL)`,
      );
      for (let number = 1; number <= MESSAGE_COUNT; number++) {
        const createdAt = start + number * 60_000;
        const senderId = [1, 2, 3, 4][(number * 7) % 4]!;
        insert.run(
          uuidv7({ msecs: createdAt }),
          conversationId,
          senderId,
          textOf(number),
          createdAt,
        );
      }
    })();
  } finally {
    closeDatabase(db);
  }
}

/** Counts `.ucr-message` rows after every DOM change, keeping the largest count seen. */
async function watchRowCount(page: Page): Promise<void> {
  await page.evaluate(() => {
    const state = { max: 0 };
    Object.assign(window, { __rowCount: state });
    const count = () => {
      state.max = Math.max(state.max, document.querySelectorAll('.ucr-message').length);
    };
    new MutationObserver(count).observe(document.body, { childList: true, subtree: true });
    count();
  });
}

async function maxRowCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __rowCount: { max: number } }).__rowCount.max);
}

async function rowCount(page: Page): Promise<number> {
  return page.locator('.ucr-message').count();
}

describeInBrowser('a conversation of 10,000 messages', () => {
  const harness = useDemoHarness({ seed: seedLongConversation });

  afterEach(() => {
    expect(harness.pageErrors).toEqual([]);
  });

  test('opens at the newest message and scrolls back to the first with fewer than 200 rows in the DOM', async () => {
    const page = await harness.openDemo('aibek');
    await screenshot(page, 'login');
    await signInOn(page, 'aibek');
    await watchRowCount(page);

    await page.locator('.ucr-conversation__button', { hasText: TITLE }).click();
    await expectVisible(messageWithText(page, textOf(MESSAGE_COUNT)));
    expect(await rowCount(page)).toBeLessThan(MAX_ROWS);
    await screenshot(page, 'desktop-long-conversation');

    // Scroll to the top again and again: each time an older page is prepended,
    // the reader's place is kept, and the next scroll to the top asks for more.
    await feed(page).evaluate(async (scroller) => {
      const settle = () => new Promise((done) => setTimeout(done, 16));
      const atStart = () => scroller.querySelector('.ucr-message-list__start') !== null;
      for (let step = 0; step < 2000 && !atStart(); step++) {
        const height = scroller.scrollHeight;
        scroller.scrollTop = 0;
        // Waiting for the list to grow, not timing it: the bound only turns a hang into an error.
        const giveUp = Date.now() + 20_000;
        while (scroller.scrollHeight === height && !atStart()) {
          if (Date.now() > giveUp) {
            // What the list showed when it gave up: loading, a "load older" button, an error.
            const top = scroller.querySelector('.ucr-message-list__top')?.textContent ?? '';
            const shown = {
              scrollTop: scroller.scrollTop,
              scrollHeight: scroller.scrollHeight,
              busy: scroller.getAttribute('aria-busy'),
              top,
              rows: scroller.querySelectorAll('.ucr-message').length,
              notices: [...document.querySelectorAll('[data-sonner-toast]')].map(
                (toast) => toast.textContent,
              ),
            };
            throw new Error(`No older page arrived at step ${step}: ${JSON.stringify(shown)}`);
          }
          await settle();
        }
      }
      if (!atStart()) throw new Error('Still not at the beginning of the conversation.');
    });

    // The very first message and the start of the conversation are on screen.
    await feed(page).evaluate((scroller) => {
      scroller.scrollTop = 0;
    });
    await expectVisible(page.getByText('Начало беседы'));
    const first = messageWithText(page, textOf(1));
    await expectVisible(first);
    await expectHidden(messageWithText(page, textOf(MESSAGE_COUNT)));
    // Every message is in the list (the feed's set size), yet only a few rows are in the DOM.
    expect(await first.getAttribute('aria-posinset')).toBe('1');
    expect(await first.getAttribute('aria-setsize')).toBe(String(MESSAGE_COUNT));
    expect(await rowCount(page)).toBeLessThan(MAX_ROWS);
    await screenshot(page, 'desktop-long-conversation-start');

    // A message that arrives while the reader is deep in history does not move
    // the view; a "new messages" button counts it and leads back to the end.
    const aizada = await harness.server.login('aizada');
    const conversations = await aizada.request<Array<{ id: string; title: string }>>(
      'GET',
      '/api/unet-chat/conversations/',
    );
    const conversationId = conversations.body.find((c) => c.title === TITLE)!.id;
    const fresh = 'Новое сообщение, пока вы читаете историю';
    const posted = await aizada.request('POST', '/api/unet-chat/messages/', {
      conversation_id: conversationId,
      sender_id: aizada.user.id,
      text: fresh,
      reply_to: null,
    });
    expect(posted.status).toBe(201);
    const jump = page.locator('.ucr-jump');
    await expectVisible(jump.locator('.ucr-jump__count', { hasText: '1' }));
    await expectVisible(messageWithText(page, textOf(1)));
    await jump.click();
    await expectVisible(messageWithText(page, fresh));
    await expectVisible(messageWithText(page, textOf(MESSAGE_COUNT)));
    expect(await messageWithText(page, fresh).getAttribute('aria-posinset')).toBe(
      String(MESSAGE_COUNT + 1),
    );

    expect(await rowCount(page)).toBeLessThan(MAX_ROWS);
    expect(await maxRowCount(page)).toBeLessThan(MAX_ROWS);
  });
});
