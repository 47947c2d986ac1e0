/**
 * Several "tabs" of one user — real stores with `shareAcrossTabs`, talking to
 * the real reference server over real WebSockets — on an in-memory browser
 * (fake BroadcastChannel and Web Locks, `support/tabs.ts`). One real socket
 * serves them all; when the tab holding it dies, the others take over and
 * every message the server got meanwhile reaches every surviving store.
 */
import WebSocket from 'ws';
import {
  createWebSocketFactory,
  selectConnection,
  selectMessagesOfConversation,
  submitMessage,
  subscribeToConversation,
} from 'unet-chat-redux';
import type {
  ChatSocket,
  Conversation,
  Message,
  SocketFactory,
  WebSocketConstructor,
} from 'unet-chat-redux';
import { shareAcrossTabs } from 'unet-chat-redux/tabs';
import { createChatStore, waitFor } from '../support/chatStore';
import type { ChatStoreHarness } from '../support/chatStore';
import { startTestServer } from '../support/server';
import type { Session, TestServer } from '../support/server';
import { createFakeBrowser } from '../support/tabs';
import type { FakeBrowser, FakeTab } from '../support/tabs';

jest.setTimeout(30_000);

/** A tab: its store, its fake-browser side, and the real sockets its own factory opened. */
interface Tab {
  name: string;
  harness: ChatStoreHarness;
  browserTab: FakeTab;
  /** Real sockets this tab opened (as the leader), with the frames it sent on them. */
  real: Array<{ url: string; sent: string[]; socket: ChatSocket; closed: boolean }>;
  alive: boolean;
}

let server: TestServer;
let browser: FakeBrowser;
const tabs: Tab[] = [];

beforeEach(async () => {
  server = await startTestServer();
  browser = createFakeBrowser();
});
afterEach(async () => {
  for (const tab of tabs.splice(0)) tab.harness.chat.dispose();
  await server.close();
});

/**
 * A tab. `stream: 'never'` (the default here) keeps one socket per
 * conversation, as against a seed server; `'auto'` uses the [ext] user stream.
 */
function openTab(name: string, session: Session, stream: 'auto' | 'never' = 'never'): Tab {
  const browserTab = browser.tab(name);
  const wsFactory = createWebSocketFactory(WebSocket as unknown as WebSocketConstructor);
  const tab: Tab = { name, harness: undefined as never, browserTab, real: [], alive: true };
  const recording: SocketFactory = (url, handlers) => {
    const record = {
      url,
      sent: [] as string[],
      socket: null as unknown as ChatSocket,
      closed: false,
    };
    record.socket = wsFactory(url, {
      ...handlers,
      onClose(code, reason) {
        record.closed = true;
        handlers.onClose(code, reason);
      },
    });
    tab.real.push(record);
    return {
      send(data) {
        record.sent.push(data);
        record.socket.send(data);
      },
      close(code, reason) {
        record.closed = true;
        record.socket.close(code, reason);
      },
    };
  };
  tab.harness = createChatStore(server, session, {
    socket: {
      factory: recording,
      stream,
      share: shareAcrossTabs({
        channel: browserTab.channels,
        locks: browserTab.locks,
        subscribePageExit: null,
      }),
    },
  });
  tabs.push(tab);
  return tab;
}

/** The tab dies without a word: channel silent, locks released, its sockets dropped. */
function crash(tab: Tab): void {
  tab.alive = false;
  tab.browserTab.crash();
  // What is left of the dead tab must not act any more; its sockets close as the browser would.
  tab.harness.chat.dispose();
}

async function createGroup(owner: Session, participantIds: number[]): Promise<Conversation> {
  const answer = await owner.request<Conversation>('POST', '/api/unet-chat/conversations/', {
    type: 'group',
    title: 'Tabs',
    participant_ids: participantIds,
  });
  expect(answer.status).toBe(201);
  return answer.body;
}

async function post(session: Session, conversationId: string, text: string): Promise<Message> {
  const answer = await session.request<Message>('POST', '/api/unet-chat/messages/', {
    conversation_id: conversationId,
    sender_id: session.user.id,
    text,
    reply_to: null,
  });
  if (answer.status !== 201) throw new Error(`send failed: ${answer.status}`);
  return answer.body;
}

const textsIn = (tab: Tab, conversationId: string) =>
  selectMessagesOfConversation(tab.harness.store.getState(), conversationId)
    .filter((message) => message.status === 'sent')
    .map((message) => message.text);

const isOpen = (tab: Tab, conversationId: string) =>
  selectConnection(tab.harness.store.getState(), conversationId).status === 'open';

const openReal = (tabsToCheck: Tab[]) =>
  tabsToCheck.flatMap((tab) => tab.real).filter((record) => !record.closed);

async function allOpen(tabsToCheck: Tab[], conversationId: string): Promise<void> {
  await waitFor(
    () => tabsToCheck.every((tab) => isOpen(tab, conversationId)),
    10_000,
    'every tab open',
  );
}

async function everyoneHas(tabsToCheck: Tab[], conversationId: string, expected: string[]) {
  await waitFor(
    () =>
      tabsToCheck.every((tab) => {
        const texts = textsIn(tab, conversationId);
        return expected.every((text) => texts.includes(text));
      }),
    10_000,
    `every tab has ${expected.length} messages`,
  );
  for (const tab of tabsToCheck) {
    const texts = textsIn(tab, conversationId).filter((text) => expected.includes(text ?? ''));
    // Exactly once each, in the order the server took them.
    expect({ tab: tab.name, texts }).toEqual({ tab: tab.name, texts: expected });
  }
}

test('three tabs of one user share one real socket; frames reach all, a follower’s send goes over it', async () => {
  const aibek = await server.login('aibek');
  const aizada = await server.login('aizada');
  const group = await createGroup(aibek, [aizada.user.id]);
  const [a, b, c] = ['A', 'B', 'C'].map((name) => openTab(name, aibek)) as [Tab, Tab, Tab];

  a.harness.store.dispatch(subscribeToConversation(group.id));
  await waitFor(() => isOpen(a, group.id), 10_000, 'A open');
  b.harness.store.dispatch(subscribeToConversation(group.id));
  c.harness.store.dispatch(subscribeToConversation(group.id));
  await allOpen([a, b, c], group.id);

  expect(a.real).toHaveLength(1);
  expect(b.real).toHaveLength(0);
  expect(c.real).toHaveLength(0);

  await post(aizada, group.id, 'Салам!');
  await everyoneHas([a, b, c], group.id, ['Салам!']);

  const clientId = b.harness.store.dispatch(
    submitMessage({ conversationId: group.id, text: 'from tab B', replyTo: null }),
  );
  await everyoneHas([a, b, c], group.id, ['Салам!', 'from tab B']);
  // It went out over the leader's socket (the relay), not over REST from B.
  expect(a.real[0]!.sent.some((frame) => frame.includes(String(clientId)))).toBe(true);
  expect(openReal([a, b, c])).toHaveLength(1);
});

test('when the leader tab crashes, another takes over and messages sent meanwhile reach every surviving tab', async () => {
  const aibek = await server.login('aibek');
  const aizada = await server.login('aizada');
  const group = await createGroup(aibek, [aizada.user.id]);
  const [a, b, c] = ['A', 'B', 'C'].map((name) => openTab(name, aibek)) as [Tab, Tab, Tab];
  a.harness.store.dispatch(subscribeToConversation(group.id));
  await waitFor(() => isOpen(a, group.id), 10_000, 'A open');
  b.harness.store.dispatch(subscribeToConversation(group.id));
  c.harness.store.dispatch(subscribeToConversation(group.id));
  await allOpen([a, b, c], group.id);
  await post(aizada, group.id, 'before');
  await everyoneHas([a, b, c], group.id, ['before']);

  crash(a);
  // The server takes these while no tab holds a socket (or while the new one opens).
  const during: string[] = [];
  for (let i = 1; i <= 5; i++) {
    const text = `during ${i}`;
    await post(aizada, group.id, text);
    during.push(text);
  }
  await waitFor(() => [b, c].some((tab) => tab.real.length > 0), 10_000, 'a new leader');
  await allOpen([b, c], group.id);
  await post(aizada, group.id, 'after');

  await everyoneHas([b, c], group.id, ['before', ...during, 'after']);
  // One new leader, one real socket between the two surviving tabs.
  expect([b, c].filter((tab) => tab.real.length > 0)).toHaveLength(1);
  expect(b.real.length + c.real.length).toBe(1);
  expect(openReal([b, c])).toHaveLength(1);
});

test('a leader that leaves cleanly hands over the same way, down to the last tab', async () => {
  const aibek = await server.login('aibek');
  const aizada = await server.login('aizada');
  const group = await createGroup(aibek, [aizada.user.id]);
  const [a, b] = ['A', 'B'].map((name) => openTab(name, aibek)) as [Tab, Tab];
  a.harness.store.dispatch(subscribeToConversation(group.id));
  await waitFor(() => isOpen(a, group.id), 10_000, 'A open');
  b.harness.store.dispatch(subscribeToConversation(group.id));
  await allOpen([a, b], group.id);

  a.alive = false;
  a.harness.chat.dispose();
  tabs.splice(tabs.indexOf(a), 1);
  await post(aizada, group.id, 'while handing over');
  await waitFor(() => b.real.length === 1, 10_000, 'B leads');
  await everyoneHas([b], group.id, ['while handing over']);
});

test('two users in two tabs of one browser never share', async () => {
  const aibek = await server.login('aibek');
  const aizada = await server.login('aizada');
  const group = await createGroup(aibek, [aizada.user.id]);
  const a = openTab('A', aibek);
  const z = openTab('Z', aizada);
  a.harness.store.dispatch(subscribeToConversation(group.id));
  z.harness.store.dispatch(subscribeToConversation(group.id));
  await allOpen([a, z], group.id);
  // Each opened its own socket, with its own token.
  expect(a.real).toHaveLength(1);
  expect(z.real).toHaveLength(1);
  expect(a.real[0]!.url).toContain(encodeURIComponent(aibek.access));
  expect(z.real[0]!.url).toContain(encodeURIComponent(aizada.access));
  await post(aizada, group.id, 'hi');
  await everyoneHas([a, z], group.id, ['hi']);
});

test('with the user stream, three tabs of one user share one stream for all their conversations', async () => {
  const aibek = await server.login('aibek');
  const aizada = await server.login('aizada');
  const first = await createGroup(aibek, [aizada.user.id]);
  const second = await createGroup(aibek, [aizada.user.id]);
  const [a, b, c] = ['A', 'B', 'C'].map((name) => openTab(name, aibek, 'auto')) as [Tab, Tab, Tab];
  a.harness.store.dispatch(subscribeToConversation(first.id));
  b.harness.store.dispatch(subscribeToConversation(second.id));
  c.harness.store.dispatch(subscribeToConversation(first.id));
  c.harness.store.dispatch(subscribeToConversation(second.id));
  // Each tab starts on conversation sockets and moves to the stream once the server said it has one.
  const onStream = () => {
    const open = openReal([a, b, c]);
    return open.length === 1 && /\/ws\/\?/.test(open[0]!.url);
  };
  await waitFor(onStream, 10_000, 'one stream for the three tabs');
  await allOpen([a, c], first.id);
  await allOpen([b, c], second.id);
  await post(aizada, first.id, 'in the first');
  await post(aizada, second.id, 'in the second');
  await everyoneHas([a, c], first.id, ['in the first']);
  await everyoneHas([b, c], second.id, ['in the second']);
  expect(onStream()).toBe(true);
});

test('a leader tab whose user logs out hands over: the other tab of that user takes the socket', async () => {
  const aibek = await server.login('aibek');
  const aizada = await server.login('aizada');
  const group = await createGroup(aibek, [aizada.user.id]);
  const [a, b] = ['A', 'B'].map((name) => openTab(name, aibek)) as [Tab, Tab];
  a.harness.store.dispatch(subscribeToConversation(group.id));
  await waitFor(() => isOpen(a, group.id), 10_000, 'A open');
  b.harness.store.dispatch(subscribeToConversation(group.id));
  await allOpen([a, b], group.id);
  expect(openReal([a])).toHaveLength(1);

  a.harness.chat.endSession();
  await post(aizada, group.id, 'after the logout in A');
  await waitFor(() => openReal([b]).length === 1, 10_000, 'B holds the socket');
  expect(openReal([a])).toHaveLength(0);
  await everyoneHas([b], group.id, ['after the logout in A']);
});
