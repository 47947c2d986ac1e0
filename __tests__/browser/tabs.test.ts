/**
 * Several tabs of one browser on the built demo (which shares sockets across
 * the tabs of one person): two tabs of one user hold one WebSocket between
 * them, both show every message, and when the tab holding the socket closes
 * the other takes over — messages the server got during the hand-over still
 * show. A third tab signed in as someone else keeps a socket of its own.
 *
 * The demo keeps credentials in sessionStorage (one person per tab), so the
 * tabs of one user are given the same `auth_data` before the page loads.
 */
import type { BrowserContext, Page, WebSocket } from 'playwright-core';
import type { Conversation, Message } from 'unet-chat-redux';
import { waitFor } from '../support/chatStore';
import type { Session } from '../support/server';
import {
  connection,
  describeInBrowser,
  expectVisible,
  feed,
  messageWithText,
  screenshot,
  send,
  signInOn,
  useDemoHarness,
} from './harness';

jest.setTimeout(90_000);

/** What a page did with WebSockets to conversation paths. */
interface SocketLog {
  opened: WebSocket[];
  framesSent: string[];
}

describeInBrowser('tabs of one browser share one socket per person', () => {
  const harness = useDemoHarness();
  let context: BrowserContext;
  let group: Conversation;
  let aibek: Session;
  let aizada: Session;
  const logs = new Map<Page, SocketLog>();

  async function post(text: string): Promise<Message> {
    const answer = await aizada.request<Message>('POST', '/api/unet-chat/messages/', {
      conversation_id: group.id,
      sender_id: aizada.user.id,
      text,
      reply_to: null,
    });
    if (answer.status !== 201) throw new Error(`send failed: ${answer.status}`);
    return answer.body;
  }

  /**
   * A tab of `context`, its WebSockets logged, signed in as `session` when
   * given. `mute` makes it as a crashing tab: the page never hears that it
   * goes away (its `pagehide` and `freeze` listeners are never registered).
   */
  async function openTab(label: string, session: Session | null, mute = false): Promise<Page> {
    const page = await context.newPage();
    if (mute) {
      await page.addInitScript(() => {
        for (const target of [window, document]) {
          const add = target.addEventListener.bind(target);
          target.addEventListener = ((type: string, ...rest: [EventListener, unknown?]) => {
            if (type !== 'pagehide' && type !== 'freeze') add(type, ...(rest as [EventListener]));
          }) as typeof target.addEventListener;
        }
      });
    }
    page.on('pageerror', (error) => harness.pageErrors.push(`${label}: ${error.message}`));
    const log: SocketLog = { opened: [], framesSent: [] };
    logs.set(page, log);
    page.on('websocket', (socket) => {
      // Every chat socket: one per conversation, or the [ext] user stream the demo moves to.
      if (!socket.url().includes('/api/unet-chat/ws/')) return;
      log.opened.push(socket);
      socket.on('framesent', ({ payload }) => log.framesSent.push(String(payload)));
    });
    if (session) {
      const auth = JSON.stringify({
        access: session.access,
        refresh: session.refresh,
        user: session.user,
      });
      await page.addInitScript((value) => sessionStorage.setItem('auth_data', value), auth);
    }
    await page.goto(`${harness.url}/?c=${group.id}`);
    return page;
  }

  const openSockets = (page: Page) =>
    (logs.get(page)?.opened ?? []).filter((socket) => !socket.isClosed());

  async function seesOnce(page: Page, text: string): Promise<void> {
    await expectVisible(messageWithText(page, text));
    expect(await messageWithText(page, text).count()).toBe(1);
  }

  beforeAll(async () => {
    [aibek, aizada] = (await Promise.all([
      harness.server.login('aibek'),
      harness.server.login('aizada'),
    ])) as [Session, Session];
    const created = await aibek.request<Conversation>('POST', '/api/unet-chat/conversations/', {
      type: 'group',
      title: 'Вкладки',
      participant_ids: [aizada.user.id],
    });
    group = created.body;
    context = await harness.newPage('context').then((page) => page.context());
  }, 60_000);

  afterEach(() => {
    expect(harness.pageErrors).toEqual([]);
  });

  let first: Page;
  let second: Page;

  test('two tabs of one user: one WebSocket between them, every message in both', async () => {
    first = await openTab('aibek-1', aibek);
    await expectVisible(connection(first, 'open'));
    second = await openTab('aibek-2', aibek);
    await expectVisible(connection(second, 'open'));

    await waitFor(() => openSockets(first).length === 1, 10_000, 'one socket in first');
    expect(logs.get(second)!.opened).toHaveLength(0);

    await post('Салам, это видно в обеих вкладках?');
    await seesOnce(first, 'Салам, это видно в обеих вкладках?');
    await seesOnce(second, 'Салам, это видно в обеих вкладках?');

    // The second tab sends: the frame goes out on the first tab's socket.
    await send(second, 'Да, отвечаю из второй вкладки');
    await seesOnce(second, 'Да, отвечаю из второй вкладки');
    await seesOnce(first, 'Да, отвечаю из второй вкладки');
    expect(
      logs.get(first)!.framesSent.some((frame) => frame.includes('Да, отвечаю из второй вкладки')),
    ).toBe(true);
    await expectVisible(
      messageWithText(second, 'Да, отвечаю из второй вкладки').and(
        second.locator('[data-status="sent"]'),
      ),
    );
    expect(logs.get(second)!.opened).toHaveLength(0);
    await screenshot(second, 'tabs-follower');
  });

  test('a draft typed in one tab shows in the other', async () => {
    const field = (page: Page) => page.getByRole('textbox', { name: 'Сообщение', exact: true });
    await field(first).fill('Черновик из первой вкладки');
    await second.waitForFunction(
      () =>
        (document.querySelector('.ucr-composer textarea') as HTMLTextAreaElement | null)?.value ===
        'Черновик из первой вкладки',
    );
    await field(first).fill('');
    await second.waitForFunction(
      () =>
        (document.querySelector('.ucr-composer textarea') as HTMLTextAreaElement | null)?.value ===
        '',
    );
  });

  test('closing the tab that holds the socket hands it over; messages sent meanwhile still show', async () => {
    await first.close();
    // The server takes these while the second tab takes over (reconnects after backoff).
    const during = ['во время передачи 1', 'во время передачи 2', 'во время передачи 3'];
    // At once: the reconnect waits at least half its 1 s backoff, these take milliseconds.
    await Promise.all(during.map(post));
    const openedByThen = logs.get(second)!.opened.length;

    await expectVisible(connection(second, 'open'));
    await post('после передачи');
    for (const text of [...during, 'после передачи']) await seesOnce(second, text);
    // The messages above came in during a gap (no socket of the second tab yet): the catch-up brought them.
    expect(openedByThen).toBe(0);
    await waitFor(() => openSockets(second).length === 1, 10_000, 'one socket in second');
    await expectVisible(feed(second));
  });

  test('another person in a third tab of the same browser keeps a socket of their own', async () => {
    const third = await openTab('aizada', null);
    // Through the login screen: the conversation in the URL opens once signed in.
    await signInOn(third, 'aizada');
    await expectVisible(connection(third, 'open'));
    await waitFor(() => openSockets(third).length === 1, 10_000, 'one socket in third');
    await waitFor(() => openSockets(second).length === 1, 10_000, 'one socket in second');

    await send(third, 'Я в своей вкладке');
    await seesOnce(second, 'Я в своей вкладке');
    await seesOnce(third, 'Я в своей вкладке');
    expect(logs.get(second)!.framesSent.some((frame) => frame.includes('Я в своей вкладке'))).toBe(
      false,
    );
  });

  test('a leader that leaves without a word (no pagehide, as in a crash) is replaced by the Web Lock', async () => {
    const mute = await openTab('aibek-mute', aibek, true);
    await expectVisible(connection(mute, 'open'));
    // The second tab leaves normally: the mute one leads now.
    await second.close();
    await waitFor(() => openSockets(mute).length === 1, 20_000, 'the mute tab holds the socket');
    const last = await openTab('aibek-last', aibek);
    await expectVisible(connection(last, 'open'));
    expect(logs.get(last)!.opened).toHaveLength(0);
    await post('перед уходом');
    await seesOnce(last, 'перед уходом');

    await mute.close();
    const during = ['без прощания 1', 'без прощания 2'];
    for (const text of during) await post(text);

    await waitFor(() => openSockets(last).length === 1, 20_000, 'the last tab holds the socket');
    await expectVisible(connection(last, 'open'));
    await post('после');
    for (const text of [...during, 'после']) await seesOnce(last, text);
    await screenshot(last, 'tabs-after-hand-over');
  });
});
