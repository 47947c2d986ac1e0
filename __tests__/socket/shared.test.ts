/**
 * The shared socket factory with in-memory tabs: fake BroadcastChannels and
 * Web Locks (`support/tabs.ts`) and memory sockets as the inner factory, so
 * the test plays the server and decides when each tab lives and dies.
 */
import fc from 'fast-check';
import { createManualEnvironment, createMemoryTransport } from 'unet-chat-redux';
import { createSharedSocketFactory } from 'unet-chat-redux/tabs';
import type {
  ManualEnvironment,
  MemorySocket,
  MemoryTransport,
  SharedSocketFactory,
  SocketHandlers,
} from 'unet-chat-redux';
import { createFakeBrowser, settleTabs } from '../support/tabs';
import type { FakeBrowser, FakeTab } from '../support/tabs';

const URL_A = 'ws://chat.test/api/unet-chat/ws/conversations/a/?WWW-Authenticate=Bearer%20t1';
const URL_A2 = 'ws://chat.test/api/unet-chat/ws/conversations/a/?WWW-Authenticate=Bearer%20t2';
const URL_B = 'ws://chat.test/api/unet-chat/ws/conversations/b/?WWW-Authenticate=Bearer%20t1';

interface TestTab {
  name: string;
  tab: FakeTab;
  transport: MemoryTransport;
  factory: SharedSocketFactory;
  scope: { value: string | null };
}

interface Client {
  events: string[];
  socket: ReturnType<SharedSocketFactory>;
}

function openTab(
  browser: FakeBrowser,
  name: string,
  options: { scope?: string; locks?: boolean; environment?: ManualEnvironment } = {},
): TestTab {
  const tab = browser.tab(name, options.environment);
  const transport = createMemoryTransport();
  const scope = { value: options.scope ?? ('chat.test|user:1' as string | null) };
  const factory = createSharedSocketFactory(transport.factory, {
    scope: () => scope.value,
    channel: tab.channels,
    locks: options.locks === false ? null : tab.locks,
    timers: tab.timers,
    timing: { probeIntervalMs: 1000, answerTimeoutMs: 1000, claimWindowMs: 200 },
    subscribePageExit: null,
  });
  return { name, tab, transport, factory, scope };
}

function connect(tab: TestTab, url = URL_A): Client {
  const events: string[] = [];
  const handlers: SocketHandlers = {
    onOpen: () => events.push('open'),
    onMessage: (data) => events.push(`frame:${data}`),
    onClose: (code) => events.push(`close:${code}`),
    onError: () => events.push('error'),
  };
  return { events, socket: tab.factory(url, handlers) };
}

const roleOf = (tab: TestTab) => tab.factory.inspect()[0]?.role ?? 'none';
const leaders = (tabs: TestTab[]) => tabs.filter((tab) => roleOf(tab) === 'leader');
const liveSockets = (tab: TestTab) => tab.transport.sockets.filter((s) => s.state !== 'closed');

function lastSocket(tab: TestTab): MemorySocket {
  const socket = tab.transport.last();
  if (!socket) throw new Error(`${tab.name} opened no real socket`);
  return socket;
}

describe('the shared socket factory with Web Locks', () => {
  let browser: FakeBrowser;
  let tabs: TestTab[];
  beforeEach(() => {
    browser = createFakeBrowser();
    tabs = [];
  });
  afterEach(() => {
    for (const tab of tabs) tab.factory.dispose();
  });
  const newTab = (name: string, options?: Parameters<typeof openTab>[2]) => {
    const tab = openTab(browser, name, options);
    tabs.push(tab);
    return tab;
  };

  test('elects one leader, which alone opens the real socket for both tabs', async () => {
    const a = newTab('A');
    const b = newTab('B');
    const clientA = connect(a);
    await settleTabs();
    const clientB = connect(b);
    await settleTabs();

    expect(roleOf(a)).toBe('leader');
    expect(roleOf(b)).toBe('follower');
    expect(a.transport.sockets).toHaveLength(1);
    expect(b.transport.sockets).toHaveLength(0);

    lastSocket(a).open();
    await settleTabs();
    expect(clientA.events).toEqual(['open']);
    expect(clientB.events).toEqual(['open']);
  });

  test('relays every frame to every tab and a follower’s send to the real socket', async () => {
    const a = newTab('A');
    const b = newTab('B');
    const clientA = connect(a);
    await settleTabs();
    const clientB = connect(b);
    await settleTabs();
    const real = lastSocket(a);
    real.open();
    await settleTabs();

    real.receive('one');
    real.receive('two');
    await settleTabs();
    expect(clientA.events).toEqual(['open', 'frame:one', 'frame:two']);
    expect(clientB.events).toEqual(['open', 'frame:one', 'frame:two']);

    clientB.socket.send('from B');
    clientA.socket.send('from A');
    await settleTabs();
    expect(real.sent).toEqual(['from A', 'from B']);
  });

  test('a send while connecting throws, as a WebSocket’s does, and one after the close is dropped', async () => {
    const a = newTab('A');
    const b = newTab('B');
    connect(a);
    await settleTabs();
    const clientB = connect(b);
    await settleTabs();
    expect(() => clientB.socket.send('early')).toThrow(/connecting/);

    lastSocket(a).open();
    await settleTabs();
    clientB.socket.close(1000);
    clientB.socket.send('late');
    await settleTabs();
    expect(lastSocket(a).sent).toEqual([]);
    expect(clientB.events).toEqual(['open', 'close:1000']);
  });

  test('counts references across tabs: one real socket per path, closed by the last to leave', async () => {
    const a = newTab('A');
    const b = newTab('B');
    const a1 = connect(a, URL_A);
    await settleTabs();
    const b1 = connect(b, URL_A2); // another token, the same conversation
    const b2 = connect(b, URL_B);
    await settleTabs();
    expect(a.transport.sockets.map((s) => s.url)).toEqual([URL_A, URL_B]);
    for (const socket of a.transport.sockets) socket.open();
    await settleTabs();

    a1.socket.close(1000);
    await settleTabs();
    expect(a.transport.sockets[0]!.state).toBe('open');

    b1.socket.close(1000);
    await settleTabs();
    expect(a.transport.sockets[0]!.closedByClient).toEqual({ code: 1000, reason: '' });
    expect(a.transport.sockets[1]!.state).toBe('open');
    expect(b2.events).toEqual(['open']);

    // A tab subscribing again gets a fresh socket, opened with its own (newest) URL.
    connect(b, URL_A2);
    await settleTabs();
    expect(lastSocket(a).url).toBe(URL_A2);
  });

  test('a tab that joins an open socket is told it is open, and gets only later frames', async () => {
    const a = newTab('A');
    const b = newTab('B');
    connect(a);
    await settleTabs();
    const real = lastSocket(a);
    real.open();
    real.receive('before');
    await settleTabs();
    const clientB = connect(b);
    await settleTabs();
    real.receive('after');
    await settleTabs();
    expect(clientB.events).toEqual(['open', 'frame:after']);
    expect(a.transport.sockets).toHaveLength(1);
  });

  test('a server close reaches every tab with its code, and nothing after it', async () => {
    const a = newTab('A');
    const b = newTab('B');
    const clientA = connect(a);
    await settleTabs();
    const clientB = connect(b);
    await settleTabs();
    const real = lastSocket(a);
    real.open();
    await settleTabs();
    real.serverClose(4401, 'token expired');
    real.receive('ghost');
    await settleTabs();
    expect(clientA.events).toEqual(['open', 'close:4401']);
    expect(clientB.events).toEqual(['open', 'close:4401']);
  });

  test.each([
    [4000, 'heartbeat timeout', { code: 4000, reason: 'heartbeat timeout' }],
    // An attempt that never opened is abandoned with a plain close().
    [undefined, undefined, { code: 1005, reason: '' }],
  ])(
    'a tab that finds the socket dead (close %s) restarts it for every tab',
    async (code, reason, seenByServer) => {
      const a = newTab('A');
      const b = newTab('B');
      const clientA = connect(a);
      await settleTabs();
      const clientB = connect(b);
      await settleTabs();
      const real = lastSocket(a);
      real.open();
      await settleTabs();

      // B's connection gave up on a half-open socket: A must not keep sharing it.
      clientB.socket.close(code, reason);
      await settleTabs();
      expect(real.closedByClient).toEqual(seenByServer);
      expect(clientA.events).toEqual(['open', 'close:1006']);
    },
  );

  test('a follower’s send that finds no socket ends its virtual socket, as a dropped connection', async () => {
    const a = newTab('A');
    const b = newTab('B');
    connect(a);
    await settleTabs();
    const clientB = connect(b);
    await settleTabs();
    const real = lastSocket(a);
    real.open();
    await settleTabs();

    // The leader's news of the close gets lost on the way; B sends into the void.
    browser.setFilter(
      (message) =>
        (message.data as { m?: { t?: string } }).m?.t !== 'closed' || message.tab !== 'A',
    );
    real.serverClose(1001, 'going away');
    await settleTabs();
    expect(clientB.events).toEqual(['open']);
    browser.setFilter(null);
    clientB.socket.send('lost');
    await settleTabs();
    expect(clientB.events).toEqual(['open', 'close:1006']);
    expect(real.sent).toEqual([]);
  });

  test('a leader whose page goes away (pagehide, freeze) hands over at once, and can join again', async () => {
    const leaves: Array<() => void> = [];
    const tab = browser.tab('A');
    const transport = createMemoryTransport();
    const factory = createSharedSocketFactory(transport.factory, {
      scope: () => 's',
      channel: tab.channels,
      locks: tab.locks,
      subscribePageExit: (leave) => {
        leaves.push(leave);
        return () => leaves.splice(leaves.indexOf(leave), 1);
      },
    });
    const b = openTab(browser, 'B', { scope: 's' });
    tabs.push(b);
    const clientA = connect({ name: 'A', tab, transport, factory, scope: { value: 's' } });
    await settleTabs();
    const clientB = connect(b);
    await settleTabs();
    transport.last()!.open();
    await settleTabs();

    leaves[0]!();
    await settleTabs();
    expect(clientA.events).toEqual(['open', 'close:1006']);
    expect(clientB.events).toEqual(['open', 'close:1006']);
    expect(roleOf(b)).toBe('leader');
    // Back from the back/forward cache: the same factory joins as a follower.
    connect({ name: 'A', tab, transport, factory, scope: { value: 's' } });
    await settleTabs();
    expect(factory.inspect()[0]?.role).toBe('follower');
    factory.dispose();
    expect(leaves).toEqual([]);
  });

  test('when the leader is disposed, followers report 1006 and the next leader opens the sockets again', async () => {
    const a = newTab('A');
    const b = newTab('B');
    connect(a);
    await settleTabs();
    const clientB = connect(b);
    await settleTabs();
    lastSocket(a).open();
    await settleTabs();

    a.factory.dispose();
    await settleTabs();
    expect(lastSocket(a).closedByClient?.code).toBe(1000);
    expect(clientB.events).toEqual(['open', 'close:1006']);
    expect(roleOf(b)).toBe('leader');

    // The connection reconnects: now served by B's own real socket.
    const again = connect(b);
    await settleTabs();
    expect(b.transport.sockets).toHaveLength(1);
    lastSocket(b).open();
    await settleTabs();
    expect(again.events).toEqual(['open']);
  });

  test('a leader that crashes without a word is replaced (its lock is released by the browser)', async () => {
    const a = newTab('A');
    const b = newTab('B');
    const c = newTab('C');
    connect(a);
    await settleTabs();
    const clientB = connect(b);
    const clientC = connect(c);
    await settleTabs();
    lastSocket(a).open();
    await settleTabs();

    a.tab.crash();
    await settleTabs();
    expect(clientB.events).toEqual(['open', 'close:1006']);
    expect(clientC.events).toEqual(['open', 'close:1006']);
    expect(leaders([b, c])).toHaveLength(1);

    const [leader] = leaders([b, c]);
    const follower = leader === b ? c : b;
    connect(b);
    connect(c);
    await settleTabs();
    expect(leader!.transport.sockets).toHaveLength(1);
    expect(follower.transport.sockets).toHaveLength(0);
  });

  test('a follower that crashes stops counting: the last tab leaving still closes the socket', async () => {
    const a = newTab('A');
    const b = newTab('B');
    const clientA = connect(a);
    await settleTabs();
    connect(b);
    await settleTabs();
    const real = lastSocket(a);
    real.open();
    await settleTabs();

    b.tab.crash();
    await settleTabs();
    expect(real.state).toBe('open');
    clientA.socket.close(1000);
    await settleTabs();
    expect(real.closedByClient?.code).toBe(1000);
  });

  test('tabs of different scopes (users) never share a leader, a socket or a frame', async () => {
    const alice1 = newTab('alice-1', { scope: 'chat.test|user:1' });
    const bob = newTab('bob', { scope: 'chat.test|user:2' });
    const alice2 = newTab('alice-2', { scope: 'chat.test|user:1' });
    const a1 = connect(alice1);
    const b1 = connect(bob);
    await settleTabs();
    const a2 = connect(alice2);
    await settleTabs();

    expect(roleOf(alice1)).toBe('leader');
    expect(roleOf(bob)).toBe('leader');
    expect(roleOf(alice2)).toBe('follower');
    expect(alice1.transport.sockets).toHaveLength(1);
    expect(bob.transport.sockets).toHaveLength(1);
    lastSocket(alice1).open();
    lastSocket(bob).open();
    await settleTabs();
    lastSocket(alice1).receive('for alice');
    lastSocket(bob).receive('for bob');
    await settleTabs();
    expect(a1.events).toEqual(['open', 'frame:for alice']);
    expect(a2.events).toEqual(['open', 'frame:for alice']);
    expect(b1.events).toEqual(['open', 'frame:for bob']);
    // Bob's traffic never even travels on Alice's channel.
    const aliceChannel = browser.posted.filter((m) => m.name.endsWith('user:1'));
    expect(JSON.stringify(aliceChannel)).not.toContain('for bob');
  });

  test('a scope of null (nobody logged in) opens the inner factory’s socket, unshared', async () => {
    const a = newTab('A');
    a.scope.value = null;
    const client = connect(a);
    expect(a.transport.sockets).toHaveLength(1);
    lastSocket(a).open();
    expect(client.events).toEqual(['open']);
    expect(a.factory.inspect()).toEqual([]);
  });

  test('a new user in the tab leaves the old user’s scope once its sockets are closed', async () => {
    const a = newTab('A');
    const b = newTab('B');
    const clientA = connect(a);
    await settleTabs();
    const clientB = connect(b);
    await settleTabs();
    lastSocket(a).open();
    await settleTabs();

    clientA.socket.close(1000);
    a.scope.value = 'chat.test|user:2';
    connect(a);
    await settleTabs();
    expect(a.factory.inspect().map((scope) => scope.scope)).toEqual(['chat.test|user:2']);
    // The old user's other tab was handed over: it leads now.
    expect(clientB.events).toEqual(['open', 'close:1006']);
    expect(roleOf(b)).toBe('leader');
  });

  test('dispose leaves no channel, lock or waiting lock request', async () => {
    const a = newTab('A');
    const b = newTab('B');
    connect(a);
    await settleTabs();
    connect(b, URL_B);
    await settleTabs();
    expect(browser.heldLocks().length).toBeGreaterThan(0);
    expect(browser.waitingLocks().length).toBeGreaterThan(0);

    b.factory.dispose();
    a.factory.dispose();
    await settleTabs();
    expect(browser.openChannels()).toEqual([]);
    expect(browser.heldLocks()).toEqual([]);
    expect(browser.waitingLocks()).toEqual([]);
    expect(liveSockets(a)).toEqual([]);
    expect(() => connect(a)).toThrow(/disposed/);
  });

  test('ignores whatever else is posted on the channel, and keeps working', async () => {
    const a = newTab('A');
    const b = newTab('B');
    const clientA = connect(a);
    await settleTabs();
    const clientB = connect(b);
    await settleTabs();
    const stranger = browser
      .tab('stranger')
      .channels(browser.openChannels()[0]!.replace(/^[^:]+: /, ''));
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (value) => {
        stranger.postMessage(value);
        stranger.postMessage({ v: 1, m: value });
        await settleTabs(2);
      }),
      { numRuns: 60 },
    );
    // Messages that look right but come from nobody who leads change nothing either.
    stranger.postMessage({ v: 1, m: { t: 'frame', from: 'x', key: URL_A, data: 'forged' } });
    stranger.postMessage({
      v: 1,
      m: { t: 'closed', from: 'x', sids: ['x:1'], code: 1000, reason: '' },
    });
    await settleTabs();
    lastSocket(a).open();
    await settleTabs();
    expect(clientA.events).toEqual(['open']);
    expect(clientB.events).toEqual(['open']);
    stranger.close();
  });

  test('a handler that throws is reported and breaks nothing', async () => {
    const errors: string[] = [];
    const tab = browser.tab('A');
    const transport = createMemoryTransport();
    const factory = createSharedSocketFactory(transport.factory, {
      scope: () => 's',
      channel: tab.channels,
      locks: tab.locks,
      subscribePageExit: null,
      onCallbackError: (_error, callback) => errors.push(callback),
    });
    const events: string[] = [];
    factory(URL_A, {
      onOpen: () => {
        throw new Error('boom');
      },
      onMessage: (data) => events.push(data),
      onClose: () => undefined,
      onError: () => undefined,
    });
    await settleTabs();
    transport.last()!.open();
    transport.last()!.receive('still here');
    expect(errors).toEqual(['onOpen']);
    expect(events).toEqual(['still here']);
    factory.dispose();
  });
});

describe('the shared socket factory without Web Locks (the BroadcastChannel election)', () => {
  let browser: FakeBrowser;
  let environment: ManualEnvironment;
  let tabs: TestTab[];
  beforeEach(() => {
    browser = createFakeBrowser();
    environment = createManualEnvironment();
    tabs = [];
  });
  afterEach(() => {
    for (const tab of tabs) tab.factory.dispose();
  });
  const newTab = (name: string, scope?: string) => {
    const tab = openTab(browser, name, { locks: false, environment, scope });
    tabs.push(tab);
    return tab;
  };
  /** Moves the clock in steps, letting messages through at each. */
  async function run(ms: number, step = 50): Promise<void> {
    for (let passed = 0; passed < ms; passed += step) {
      environment.advance(step);
      await settleTabs(4);
    }
  }

  test('the first tab claims leadership; a later one finds it and follows', async () => {
    const a = newTab('A');
    const clientA = connect(a);
    await run(400);
    const b = newTab('B');
    const clientB = connect(b);
    await run(400);
    expect(roleOf(a)).toBe('leader');
    expect(roleOf(b)).toBe('follower');
    lastSocket(a).open();
    await run(50);
    expect(clientA.events).toEqual(['open']);
    expect(clientB.events).toEqual(['open']);
    expect(b.transport.sockets).toHaveLength(0);
  });

  test('tabs that start together end with exactly one leader, whatever the order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 2, maxLength: 5 }),
        async (delays) => {
          browser = createFakeBrowser();
          environment = createManualEnvironment();
          const started: TestTab[] = [];
          for (const [index, delay] of delays.entries()) {
            environment.setTimeout(() => {
              const tab = newTab(`T${index}`);
              started.push(tab);
              connect(tab);
            }, delay);
          }
          await run(2000);
          expect(started).toHaveLength(delays.length);
          expect(leaders(started)).toHaveLength(1);
          const real = started.flatMap((tab) => tab.transport.sockets);
          expect(real.filter((socket) => socket.state !== 'closed')).toHaveLength(1);
          for (const tab of started) tab.factory.dispose();
          tabs = [];
        },
      ),
      { numRuns: 25 },
    );
  });

  test('a leader that crashes is noticed by the probes, and another takes over', async () => {
    const a = newTab('A');
    connect(a);
    await run(400);
    const b = newTab('B');
    const clientB = connect(b);
    await run(400);
    lastSocket(a).open();
    await run(50);

    a.tab.crash();
    await run(4000);
    expect(clientB.events).toEqual(['open', 'close:1006']);
    expect(roleOf(b)).toBe('leader');
  });

  test('a follower that crashes misses the roll call and stops counting', async () => {
    const a = newTab('A');
    const clientA = connect(a);
    await run(400);
    const b = newTab('B');
    connect(b);
    await run(400);
    const real = lastSocket(a);
    real.open();
    await run(50);

    b.tab.crash();
    await run(5000);
    clientA.socket.close(1000);
    await run(50);
    expect(real.closedByClient?.code).toBe(1000);
  });

  test('a split (two leaders after a partition) heals to one, and the loser’s sockets reconnect', async () => {
    const a = newTab('A');
    connect(a);
    await run(400);
    const b = newTab('B');
    const clientB = connect(b);
    await run(400);
    lastSocket(a).open();
    await run(50);

    browser.setFilter(() => false);
    await run(4000);
    expect(leaders([a, b])).toHaveLength(2);
    browser.setFilter(null);
    await run(3000);
    expect(leaders([a, b])).toHaveLength(1);
    expect(clientB.events).toEqual(['open', 'close:1006']);
  });

  test('throttled timers of a background tab never make it look dead', async () => {
    const a = newTab('A');
    const clientA = connect(a);
    await run(400);
    const b = newTab('B');
    const clientB = connect(b);
    await run(400);
    const real = lastSocket(a);
    real.open();
    await run(50);

    // Both tabs in the background in turn, for far longer than any timeout.
    b.tab.throttle(true);
    await run(30_000, 500);
    a.tab.throttle(true);
    b.tab.throttle(false);
    await run(30_000, 500);
    a.tab.throttle(false);
    await run(3000);
    expect(roleOf(a)).toBe('leader');
    expect(roleOf(b)).toBe('follower');
    expect(clientB.events).toEqual(['open']);
    // B still counts: A leaving its socket does not close it.
    clientA.socket.close(1000);
    await run(50);
    expect(real.state).toBe('open');
  });

  test('dispose leaves no timer and no channel', async () => {
    const a = newTab('A');
    connect(a);
    await run(400);
    const b = newTab('B');
    connect(b);
    await run(400);
    a.factory.dispose();
    b.factory.dispose();
    await settleTabs();
    expect(environment.pendingTimers()).toBe(0);
    expect(browser.openChannels()).toEqual([]);
  });
});

describe('the shared socket factory without BroadcastChannel', () => {
  test('is the inner factory: the same socket, the same handlers, nothing else', () => {
    const transport = createMemoryTransport();
    const factory = createSharedSocketFactory(transport.factory, {
      scope: () => 's',
      channel: null,
    });
    const events: string[] = [];
    const socket = factory(URL_A, {
      onOpen: () => events.push('open'),
      onMessage: () => undefined,
      onClose: () => undefined,
      onError: () => undefined,
    });
    expect(socket).toBe(transport.last());
    transport.last()!.open();
    expect(events).toEqual(['open']);
    expect(factory.sharing).toBe(false);
    factory.dispose();
    expect(() =>
      factory(URL_A, { onOpen() {}, onMessage() {}, onClose() {}, onError() {} }),
    ).toThrow(/disposed/);
  });

  test('is the default in Node, which is not a browser page', () => {
    const transport = createMemoryTransport();
    const factory = createSharedSocketFactory(transport.factory, { scope: () => 's' });
    expect(factory.sharing).toBe(false);
    factory.dispose();
  });
});

describe('the browser defaults', () => {
  const scope = globalThis as { window?: unknown; document?: unknown };
  afterEach(() => {
    delete scope.window;
    delete scope.document;
  });

  test('in a page, the tab hands over on pagehide and on freeze, and stops listening on dispose', async () => {
    const windowTarget = new EventTarget();
    const documentTarget = new EventTarget();
    scope.window = windowTarget;
    scope.document = documentTarget;
    const removedFromWindow = jest.spyOn(windowTarget, 'removeEventListener');
    const removedFromDocument = jest.spyOn(documentTarget, 'removeEventListener');
    const browser = createFakeBrowser();
    const tab = browser.tab('A');
    const transport = createMemoryTransport();
    // Node's own BroadcastChannel would be the default now; the fake keeps the test in memory.
    const factory = createSharedSocketFactory(transport.factory, {
      scope: () => 's',
      channel: tab.channels,
      locks: tab.locks,
    });
    for (const [target, type] of [
      [windowTarget, 'pagehide'],
      [documentTarget, 'freeze'],
    ] as const) {
      connect({ name: 'A', tab, transport, factory, scope: { value: 's' } });
      await settleTabs();
      expect(factory.inspect()).toHaveLength(1);
      target.dispatchEvent(new Event(type));
      expect(factory.inspect()).toEqual([]);
    }
    factory.dispose();
    expect(browser.openChannels()).toEqual([]);
    expect(removedFromWindow).toHaveBeenCalledWith('pagehide', expect.any(Function));
    expect(removedFromDocument).toHaveBeenCalledWith('freeze', expect.any(Function));
  });

  test('with a document and a BroadcastChannel, sharing is on by default', () => {
    scope.document = {};
    const factory = createSharedSocketFactory(createMemoryTransport().factory, {
      scope: () => 's',
      locks: null,
      subscribePageExit: null,
    });
    expect(factory.sharing).toBe(true);
    factory.dispose();
  });
});

describe('the shared socket factory under random tab lives (fast-check)', () => {
  const PATHS = [URL_A, URL_B];
  type Command =
    | { type: 'openTab' }
    | { type: 'crash' | 'dispose'; tab: number }
    | { type: 'connect'; tab: number; path: number }
    | { type: 'closeClient'; tab: number; client: number; code: 1000 | 4000 }
    | { type: 'serverOpen' }
    | { type: 'serverFrame'; path: number }
    | { type: 'serverClose'; path: number; code: 1001 | 4401 | 1006 };

  // Weighted towards what makes hand-overs interesting: sockets open in several tabs.
  const command: fc.Arbitrary<Command> = fc.oneof(
    { weight: 1, arbitrary: fc.constant({ type: 'openTab' as const }) },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constantFrom('crash' as const, 'dispose' as const),
        tab: fc.constantFrom(0, 1, 2, 3, 4, 5),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        type: fc.constant('connect' as const),
        tab: fc.constantFrom(0, 1, 2, 3, 4, 5),
        path: fc.constantFrom(0, 1),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('closeClient' as const),
        tab: fc.constantFrom(0, 1, 2, 3, 4, 5),
        client: fc.constantFrom(0, 1, 2, 3, 4, 5),
        code: fc.constantFrom(1000 as const, 4000 as const),
      }),
    },
    { weight: 3, arbitrary: fc.constant({ type: 'serverOpen' as const }) },
    {
      weight: 3,
      arbitrary: fc.record({
        type: fc.constant('serverFrame' as const),
        path: fc.constantFrom(0, 1),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('serverClose' as const),
        path: fc.constantFrom(0, 1),
        code: fc.constantFrom(1001 as const, 4401 as const, 1006 as const),
      }),
    },
  );

  interface ModelClient extends Client {
    path: string;
  }
  interface ModelTab extends TestTab {
    alive: boolean;
    clients: ModelClient[];
  }

  const isOpen = (client: Client) =>
    client.events.includes('open') && !client.events.some((e) => e.startsWith('close'));
  const isClosed = (client: Client) => client.events.some((e) => e.startsWith('close'));

  /** Runs `commands` on `startTabs` tabs and checks the invariants after each step. */
  async function runModel(withLocks: boolean, startTabs: number, commands: Command[]) {
    const browser = createFakeBrowser();
    const environment = createManualEnvironment();
    const tabs: ModelTab[] = [];
    let frames = 0;
    const settle = async () => {
      for (let i = 0; i < 6; i++) {
        environment.advance(withLocks ? 0 : 1000);
        await settleTabs(4);
      }
    };
    const live = () => tabs.filter((tab) => tab.alive);
    const realOf = (path: string) =>
      live()
        .flatMap((tab) => tab.transport.sockets)
        .filter(
          (socket) => socket.url.startsWith(path.split('?')[0]!) && socket.state !== 'closed',
        );
    try {
      const opening: Command[] = Array.from({ length: startTabs }, () => ({
        type: 'openTab',
      }));
      for (const step of [...opening, ...commands]) {
        const tab = 'tab' in step ? live()[step.tab % Math.max(1, live().length)] : undefined;
        const expected: Array<{ client: ModelClient; frame: string }> = [];
        switch (step.type) {
          case 'openTab': {
            const opened = openTab(browser, `T${tabs.length}`, {
              locks: withLocks,
              environment,
            });
            tabs.push({ ...opened, alive: true, clients: [] });
            break;
          }
          case 'crash':
            if (tab) {
              tab.alive = false;
              tab.tab.crash();
            }
            break;
          case 'dispose':
            if (tab) {
              tab.alive = false;
              tab.factory.dispose();
            }
            break;
          case 'connect':
            if (tab) {
              const path = PATHS[step.path]!;
              tab.clients.push({ ...connect(tab, path), path });
            }
            break;
          case 'closeClient': {
            const client = tab?.clients[step.client % Math.max(1, tab.clients.length)];
            if (client && !isClosed(client)) client.socket.close(step.code);
            break;
          }
          case 'serverOpen':
            for (const socket of live().flatMap((t) => t.transport.sockets))
              if (socket.state === 'connecting') socket.open();
            break;
          case 'serverFrame': {
            const path = PATHS[step.path]!;
            const frame = `f${++frames}`;
            for (const t of live())
              for (const client of t.clients)
                if (client.path === path && isOpen(client)) expected.push({ client, frame });
            for (const socket of realOf(path)) if (socket.state === 'open') socket.receive(frame);
            break;
          }
          case 'serverClose':
            for (const socket of realOf(PATHS[step.path]!)) socket.serverClose(step.code);
            break;
        }
        await settle();

        // At most one leader among the live tabs, and one as soon as any live tab has joined.
        const joined = live().filter((t) => t.factory.inspect().length > 0);
        expect(leaders(joined)).toHaveLength(joined.length > 0 ? 1 : 0);
        for (const path of PATHS) {
          const real = realOf(path);
          expect(real.length).toBeLessThanOrEqual(1);
          const wanted = live().some((t) =>
            t.clients.some((client) => client.path === path && !isClosed(client)),
          );
          // Reference counting: a real socket lives exactly while some tab's socket wants it.
          if (!wanted) expect(real).toEqual([]);
          // No tab believes itself connected without a real socket behind it.
          const believers = live().flatMap((t) =>
            t.clients.filter((client) => client.path === path && isOpen(client)),
          );
          if (believers.length > 0) expect(real.map((socket) => socket.state)).toEqual(['open']);
        }
        // Every socket open when the frame came, and open still, got it exactly once.
        for (const { client, frame } of expected) {
          if (isOpen(client))
            expect(client.events.filter((e) => e === `frame:${frame}`)).toHaveLength(1);
        }
      }
    } finally {
      for (const tab of tabs) tab.factory.dispose();
    }
  }

  test.each([true, false])(
    'with locks %s: one leader, one real socket per path, every frame to every open socket once',
    async (withLocks) => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 4 }),
          fc.array(command, { minLength: 1, maxLength: 30 }),
          (startTabs, commands) => runModel(withLocks, startTabs, commands),
        ),
        { numRuns: 150 },
      );
    },
  );

  test('found by the model: a tab joining while the election runs', async () => {
    for (let i = 0; i < 40; i++)
      await runModel(false, 2, [
        { type: 'openTab' },
        { type: 'connect', tab: 0, path: 0 },
        { type: 'connect', tab: 1, path: 1 },
        { type: 'connect', tab: 0, path: 0 },
        { type: 'connect', tab: 2, path: 0 },
        { type: 'serverOpen' },
      ]);
  });
});
