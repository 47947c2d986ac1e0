/**
 * Opening a conversation with unread messages, and desktop notifications with
 * several tabs, in the built demo against the real reference server (every
 * extension on):
 * - the conversation opens at the "new messages" divider, not at the bottom,
 *   and the number of new messages is said once in a polite live region, in
 *   Russian and in English;
 * - two tabs of one person, both with notifications on, show one notification
 *   per message between them.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { Conversation, Message } from 'unet-chat-redux';
import type { Session } from '../support/server';
import { WAIT_MS, describeInBrowser, expectVisible, screenshot, useDemoHarness } from './harness';

jest.setTimeout(120_000);

const API = '/api/unet-chat';
const READ = 20;
const UNREAD = 25;

async function say(session: Session, conversationId: string, text: string): Promise<Message> {
  const answer = await session.request<Message>('POST', `${API}/messages/`, {
    conversation_id: conversationId,
    sender_id: session.user.id,
    text,
    reply_to: null,
  });
  if (answer.status !== 201) throw new Error(`send failed: ${answer.status}`);
  return answer.body;
}

async function create(session: Session, body: Record<string, unknown>): Promise<Conversation> {
  const answer = await session.request<Conversation>('POST', `${API}/conversations/`, body);
  if (answer.status !== 201) throw new Error(`create failed: ${answer.status}`);
  return answer.body;
}

/** The message list's scroller, in either language. */
function scroller(page: Page) {
  return page.locator('.ucr-message-list__scroller');
}

/** Where the element of `selector` with `text` (if given) is, relative to the message list's viewport. */
async function placeInFeed(
  page: Page,
  selector: string,
  text?: string,
): Promise<'above' | 'in' | 'below' | 'absent'> {
  return scroller(page).evaluate(
    (list, { wanted, withText }) => {
      const element = [...list.querySelectorAll(wanted)].find(
        (candidate) => withText === undefined || candidate.textContent === withText,
      );
      if (!element) return 'absent';
      const view = list.getBoundingClientRect();
      const box = element.getBoundingClientRect();
      if (box.bottom <= view.top) return 'above';
      if (box.top >= view.bottom) return 'below';
      return 'in';
    },
    { wanted: selector, withText: text },
  );
}

describeInBrowser('opening a conversation and notifying in the demo', () => {
  const harness = useDemoHarness();
  let aibek: Session;
  let aizada: Session;
  let bakyt: Session;
  /** A private chat of aibek and aizada; aizada read the first READ messages. */
  let chat: Conversation;

  afterEach(() => {
    expect(harness.pageErrors).toEqual([]);
  });

  /** A tab of `context` signed in as `session` (the demo keeps credentials in sessionStorage). */
  async function openTab(context: BrowserContext, session: Session, query = ''): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.on('pageerror', (error) =>
      harness.pageErrors.push(`${session.user.username}: ${error.message}`),
    );
    const auth = JSON.stringify({
      access: session.access,
      refresh: session.refresh,
      user: session.user,
    });
    await page.addInitScript((value) => sessionStorage.setItem('auth_data', value), auth);
    await page.goto(`${harness.url}/${query}`);
    await page.locator('.ucr-chat-select').waitFor();
    return page;
  }

  async function newContext(language: 'ru' | 'en'): Promise<BrowserContext> {
    const context = (await harness.newPage(`context-${language}`)).context();
    await context.addInitScript(
      (value) => localStorage.setItem('unet-chat-demo-language', value),
      language,
    );
    return context;
  }

  /** A fresh private chat of aibek with `reader`: READ messages read by `reader`, then UNREAD not. */
  async function chatWithUnread(reader: Session): Promise<Conversation> {
    const conversation = await create(aibek, {
      type: 'private',
      participant_ids: [reader.user.id],
    });
    let last: Message | undefined;
    for (let index = 1; index <= READ; index++) {
      last = await say(index % 2 ? aibek : reader, conversation.id, `Прочитано ${index}`);
    }
    const read = await reader.request('POST', `${API}/conversations/${conversation.id}/read/`, {
      message_id: last!.id,
    });
    expect(read.status).toBe(200);
    for (let index = 1; index <= UNREAD; index++) {
      await say(aibek, conversation.id, `Новое ${index}`);
    }
    return conversation;
  }

  beforeAll(async () => {
    [aibek, aizada, bakyt] = (await Promise.all([
      harness.server.login('aibek'),
      harness.server.login('aizada'),
      harness.server.login('bakyt'),
    ])) as [Session, Session, Session];
    chat = await chatWithUnread(aizada);
  }, 90_000);

  test('a conversation with unread messages opens at the divider and says how many are new, once', async () => {
    const page = await openTab(await newContext('ru'), aizada);
    // Every announcement the list's polite region makes, in order.
    await page.evaluate(() => {
      const said: string[] = [];
      (window as unknown as { said: string[] }).said = said;
      new MutationObserver(() => {
        for (const region of document.querySelectorAll('.ucr-message-list [aria-live="polite"]')) {
          const text = region.textContent ?? '';
          if (text && said.at(-1) !== text) said.push(text);
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.locator('.ucr-conversation__button', { hasText: 'Айбек Асанов' }).click();

    const divider = scroller(page).locator('.ucr-divider', { hasText: 'Новые сообщения' });
    await expectVisible(divider);
    await page.waitForFunction(() => {
      const list = document.querySelector('.ucr-message-list__scroller');
      const element = document.querySelector('.ucr-divider');
      if (!list || !element) return false;
      const view = list.getBoundingClientRect();
      const box = element.getBoundingClientRect();
      return box.top >= view.top && box.bottom <= view.bottom;
    });
    expect(await placeInFeed(page, '.ucr-divider')).toBe('in');
    // Not the bottom: the first new message shows, the newest is further down (or not rendered yet).
    expect(await placeInFeed(page, '.ucr-message__text', 'Новое 1')).toBe('in');
    expect(['below', 'absent']).toContain(
      await placeInFeed(page, '.ucr-message__text', `Новое ${UNREAD}`),
    );
    await page.waitForFunction(
      (expected) => (window as unknown as { said: string[] }).said.includes(expected),
      `${UNREAD} новых сообщений, показаны с первого непрочитанного`,
    );
    await screenshot(page, 'workspace-open-at-divider');

    // A message arriving now is announced as itself; the count is not said again and the view stays.
    const before = await scroller(page).evaluate((element) => element.scrollTop);
    await say(aibek, chat.id, 'Ещё одно, пока ты читаешь');
    await page.waitForFunction(() =>
      (window as unknown as { said: string[] }).said.some((text) =>
        text.includes('Ещё одно, пока ты читаешь'),
      ),
    );
    const said = await page.evaluate(() => (window as unknown as { said: string[] }).said);
    expect(said.filter((text) => text.includes('новых сообщений'))).toHaveLength(1);
    expect(await scroller(page).evaluate((element) => element.scrollTop)).toBe(before);
    await page.close();
  });

  test('in English: "25 new messages, shown from the first unread"', async () => {
    const page = await openTab(await newContext('en'), bakyt);
    // bakyt has a chat of his own with unread messages.
    await chatWithUnread(bakyt);
    await page.locator('.ucr-conversation__button', { hasText: 'Айбек Асанов' }).click();
    await expectVisible(scroller(page).locator('.ucr-divider', { hasText: 'New messages' }));
    const region = page.locator('.ucr-message-list [aria-live="polite"]');
    await expectVisible(region.getByText(`${UNREAD} new messages, shown from the first unread`));
    expect(await placeInFeed(page, '.ucr-divider')).toBe('in');
    await page.close();
  });

  /** A Russian context whose tabs have notifications on, each recording the ones it shows. */
  async function notifyingContext(): Promise<BrowserContext> {
    const context = await newContext('ru');
    await context.grantPermissions(['notifications'], { origin: harness.url });
    await context.addInitScript(() => {
      localStorage.setItem('unet-chat-demo-notify', 'on');
      const shown: string[] = [];
      (window as unknown as { shownNotifications: string[] }).shownNotifications = shown;
      const Real = window.Notification;
      class Recording extends Real {
        constructor(title: string, options?: NotificationOptions) {
          shown.push(`${title}|${options?.body ?? ''}`);
          super(title, options);
        }
      }
      Object.defineProperty(window, 'Notification', { value: Recording, configurable: true });
    });
    return context;
  }

  const shownIn = (tab: Page) =>
    tab.evaluate(() => (window as unknown as { shownNotifications: string[] }).shownNotifications);

  test('two tabs of one person with notifications on show one notification per message', async () => {
    const context = await notifyingContext();
    const group = await create(aizada, {
      type: 'group',
      title: 'Две вкладки',
      participant_ids: [aibek.user.id],
    });
    // Both tabs of aibek look at the private chat; the message goes to the group.
    const tabs = [
      await openTab(context, aibek, `?c=${chat.id}`),
      await openTab(context, aibek, `?c=${chat.id}`),
    ];
    for (const tab of tabs) {
      await expectVisible(tab.locator('.demo__notify[aria-pressed="true"]'));
      await expectVisible(tab.locator('.ucr-conversation__title', { hasText: 'Две вкладки' }));
    }
    for (const text of ['Первое в группе', 'Второе в группе']) {
      const message = await say(aizada, group.id, text);
      // Both tabs have the message (each asked for the claim as it arrived), and one holds it.
      for (const tab of tabs) {
        await expectVisible(tab.locator('.ucr-conversation__preview', { hasText: text }));
      }
      await tabs[0]!.waitForFunction(async (id) => {
        const { held = [] } = await navigator.locks.query();
        return held.some((lock) => lock.name?.endsWith(`:${id}`));
      }, message.id);
      // The other tab's claim was answered at once (a lock asked for only if free never waits).
      for (const tab of tabs) await tab.evaluate(() => new Promise((done) => setTimeout(done, 50)));
      const all = [...(await shownIn(tabs[0]!)), ...(await shownIn(tabs[1]!))];
      expect(all.filter((entry) => entry.endsWith(`|${text}`))).toEqual([
        `Айзада Токтогулова в «Две вкладки»|${text}`,
      ]);
    }
    await context.close();
  });

  test('no tab notifies for a message of a conversation another tab has in view', async () => {
    const context = await notifyingContext();
    const group = await create(aizada, {
      type: 'group',
      title: 'На виду',
      participant_ids: [aibek.user.id],
    });
    const elsewhere = await openTab(context, aibek, `?c=${chat.id}`);
    const watching = await openTab(context, aibek, `?c=${group.id}`);
    await watching.bringToFront();
    await expectVisible(watching.locator('.ucr-header__title', { hasText: 'На виду' }));
    // The watching tab has the person's attention: the group is in view there.
    await watching.waitForFunction(
      () => document.visibilityState === 'visible' && document.hasFocus(),
    );
    await say(aizada, group.id, 'Ты это видишь');
    await expectVisible(watching.locator('.ucr-message__text', { hasText: 'Ты это видишь' }));
    await expectVisible(
      elsewhere.locator('.ucr-conversation__preview', { hasText: 'Ты это видишь' }),
    );
    // Each tab decided as the message arrived (a claim asked for only if free never waits).
    for (const tab of [watching, elsewhere])
      await tab.evaluate(() => new Promise((done) => setTimeout(done, 50)));
    expect([...(await shownIn(watching)), ...(await shownIn(elsewhere))]).toEqual([]);
    await context.close();
  });
});
