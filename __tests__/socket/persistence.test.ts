import {
  draftChanged,
  messageDiscarded,
  messagesSeen,
  persistToStorage,
  selectDraft,
  selectUnreadCount,
  selectUnsentMessages,
  submitMessage,
  subscribeToConversation,
} from 'unet-chat-redux';
import type { KeyValueStorage } from 'unet-chat-redux';
import { createSyncHarness } from '../support/syncHarness';
import type { SyncHarness } from '../support/syncHarness';
import { createModelServer } from '../support/modelServer';
import type { ModelServer } from '../support/modelServer';

/** This tab's own unsent messages (the outbox's), as texts. */
const unsentIn = (harness: SyncHarness) =>
  selectUnsentMessages(harness.store.getState(), C).map((message) => message.text);

/**
 * The durable outbox and drafts: unsent messages and drafts survive a reload
 * (a new store on the same storage and tab), go out in order exactly once,
 * stay per user, and leave no trace after a logout.
 */
const C = '0190c000-0000-7000-8000-0000000000d1';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

const harnesses: SyncHarness[] = [];
afterEach(() => {
  for (const harness of harnesses.splice(0)) harness.chat.dispose();
});

function open(
  server: ReturnType<typeof createModelServer>,
  storage: KeyValueStorage,
  tabId: string,
  socket = true,
) {
  const harness = createSyncHarness(
    {},
    { persistence: persistToStorage({ storage, tabId }), socket: { enabled: socket } },
    { server },
  );
  harnesses.push(harness);
  return harness;
}

const stored = (storage: { data: Map<string, string> }) =>
  [...storage.data.values()].map(
    (raw) => JSON.parse(raw) as { outbox: Array<{ text: string; tab: string }>; drafts: object },
  );

describe('the durable outbox', () => {
  it('keeps unsent messages across a reload and sends them once, in order', async () => {
    const server = createModelServer();
    const storage = memoryStorage();
    const before = open(server, storage, 'tab-1');
    before.store.dispatch(subscribeToConversation(C));
    await before.settle();
    server.setUp(false);
    for (const text of ['one', 'two', 'three'])
      before.store.dispatch(submitMessage({ conversationId: C, text }));
    await before.settle();
    expect(stored(storage)[0]?.outbox.map((entry) => entry.text)).toEqual(['one', 'two', 'three']);

    // The page reloads while the server is still down: the old store is gone.
    before.chat.dispose();
    server.setUp(true);
    const after = open(server, storage, 'tab-1');
    after.store.dispatch(subscribeToConversation(C));
    await after.settle();
    expect(after.messagesOf(C).map((m) => [m.text, m.status])).toEqual([
      ['one', 'sent'],
      ['two', 'sent'],
      ['three', 'sent'],
    ]);
    expect(server.messagesOf(C).map((m) => m.text)).toEqual(['one', 'two', 'three']);
    expect(storage.data.size).toBe(0);
  });

  it('does not send twice a message whose answer was lost before the reload', async () => {
    const server = createModelServer({ idempotency: false, paging: false, changes: false });
    const storage = memoryStorage();
    const before = open(server, storage, 'tab-1', false);
    before.store.dispatch(subscribeToConversation(C));
    await before.settle();
    server.fail((request) => request.method === 'POST', 'lose', 3);
    before.store.dispatch(submitMessage({ conversationId: C, text: 'landed, answer lost' }));
    await before.settle();
    before.chat.dispose();

    const after = open(server, storage, 'tab-1', false);
    after.store.dispatch(subscribeToConversation(C));
    await after.advance(60_000);
    expect(server.messagesOf(C).map((m) => m.text)).toEqual(['landed, answer lost']);
    expect(after.messagesOf(C).map((m) => m.status)).toEqual(['sent']);
  });

  it('keeps a refused message as failed across a reload, with its reason', async () => {
    const server = createModelServer();
    const storage = memoryStorage();
    server.fail((request) => request.method === 'POST', {
      status: 400,
      body: { detail: 'text: too long', code: 'validation_error' },
    });
    const before = open(server, storage, 'tab-1', false);
    before.store.dispatch(subscribeToConversation(C));
    before.store.dispatch(submitMessage({ conversationId: C, text: 'too long' }));
    await before.settle();
    before.chat.dispose();
    const after = open(server, storage, 'tab-1', false);
    after.store.dispatch(subscribeToConversation(C));
    await after.settle();
    expect(after.messagesOf(C)[0]).toMatchObject({
      status: 'failed',
      errorCode: 'validation_error',
    });
    expect(server.messagesOf(C)).toEqual([]);
  });

  it('keeps each tab’s entries: two tabs of one user never clobber each other', async () => {
    const server = createModelServer();
    const storage = memoryStorage();
    server.setUp(false);
    const first = open(server, storage, 'tab-1', false);
    const second = open(server, storage, 'tab-2', false);
    first.store.dispatch(submitMessage({ conversationId: C, text: 'from tab 1' }));
    second.store.dispatch(submitMessage({ conversationId: C, text: 'from tab 2' }));
    await first.settle();
    await second.settle();
    expect(
      stored(storage)[0]
        ?.outbox.map((entry) => `${entry.tab}:${entry.text}`)
        .sort(),
    ).toEqual(['tab-1:from tab 1', 'tab-2:from tab 2']);
  });

  it('adopts what a closed tab left unsent once its lease runs out', async () => {
    const server = createModelServer();
    const storage = memoryStorage();
    server.setUp(false);
    const closed = open(server, storage, 'tab-closed', false);
    closed.store.dispatch(submitMessage({ conversationId: C, text: 'left behind' }));
    await closed.settle();
    closed.chat.dispose();

    server.setUp(true);
    const survivor = open(server, storage, 'tab-survivor', false);
    survivor.store.dispatch(subscribeToConversation(C));
    await survivor.settle();
    // Its lease is still fresh: the closed tab might only be reloading.
    expect(server.messagesOf(C)).toEqual([]);
    // The survivor checks back every 10 s; 30 s after the last renewal the entry is adopted.
    await survivor.advance(45_000, 1000);
    expect(server.messagesOf(C).map((m) => m.text)).toEqual(['left behind']);
    expect(storage.data.size).toBe(0);
  });

  it('reads corrupt storage as empty and keeps working', async () => {
    const server = createModelServer();
    const storage = memoryStorage();
    storage.setItem('unet-chat-redux:http://chat.test:1', '{not json');
    const harness = open(server, storage, 'tab-1');
    harness.store.dispatch(subscribeToConversation(C));
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'fine' }));
    await harness.settle();
    expect(server.messagesOf(C).map((m) => m.text)).toEqual(['fine']);
  });

  it('a logout erases the user’s unsent messages and drafts from storage', async () => {
    const server = createModelServer();
    const storage = memoryStorage();
    server.setUp(false);
    const harness = open(server, storage, 'tab-1', false);
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'private' }));
    harness.store.dispatch(draftChanged({ conversationId: C, text: 'a private draft' }));
    await harness.advance(1_000);
    expect(storage.data.size).toBe(1);
    harness.chat.endSession();
    expect(storage.data.size).toBe(0);
    expect(harness.store.getState().chat.drafts).toEqual({});
  });
});

describe('drafts', () => {
  it('keep a conversation’s draft across a reload', async () => {
    const server = createModelServer();
    const storage = memoryStorage();
    const before = open(server, storage, 'tab-1');
    before.store.dispatch(draftChanged({ conversationId: C, text: 'half a thought' }));
    await before.advance(1_000);
    before.chat.dispose();
    const after = open(server, storage, 'tab-1');
    after.store.dispatch(subscribeToConversation(C));
    await after.settle();
    expect(selectDraft(after.store.getState(), C)).toBe('half a thought');
  });

  it('are written even when the page goes away before the write delay', async () => {
    const server = createModelServer();
    const storage = memoryStorage();
    const before = open(server, storage, 'tab-1');
    before.store.dispatch(draftChanged({ conversationId: C, text: 'typed just now' }));
    await before.settle();
    before.chat.dispose();
    const after = open(server, storage, 'tab-1');
    after.store.dispatch(subscribeToConversation(C));
    await after.settle();
    expect(selectDraft(after.store.getState(), C)).toBe('typed just now');
  });

  it('an empty draft is removed', async () => {
    const server = createModelServer();
    const storage = memoryStorage();
    const harness = open(server, storage, 'tab-1');
    harness.store.dispatch(draftChanged({ conversationId: C, text: 'x' }));
    harness.store.dispatch(draftChanged({ conversationId: C, text: '   ' }));
    expect(harness.store.getState().chat.drafts).toEqual({});
  });
});

describe('drafts, when the page goes away', () => {
  it('writes a draft still waiting for its delayed write as soon as the page is hidden', async () => {
    const server = createModelServer();
    const storage = memoryStorage();
    const harness = open(server, storage, 'tab-1');
    harness.store.dispatch(
      draftChanged({ conversationId: C, text: 'typed right before a reload' }),
    );
    await harness.settle();
    expect(stored(storage)).toEqual([]);
    harness.environment.setVisible(false);
    expect(stored(storage)[0]?.drafts).toEqual({ [C]: 'typed right before a reload' });
  });
});

/**
 * One localStorage seen by several tabs: a write by one tab is announced to
 * every other tab (as the browser's `storage` event is), in a later task,
 * and only when the value changed. `hold()` delays the announcements.
 */
function sharedStorage() {
  const data = new Map<string, string>();
  const listeners = new Map<string, Set<(key: string | null) => void>>();
  let held: Array<() => void> | null = null;
  const writes: string[] = [];
  /** Every setItem/removeItem call by tab, changed or not. */
  const attempts: string[] = [];
  function announce(from: string, key: string) {
    for (const [tab, set] of listeners) {
      if (tab === from) continue;
      for (const listener of set) {
        const deliver = () => listener(key);
        if (held) held.push(deliver);
        else setImmediate(deliver);
      }
    }
  }
  return {
    data,
    writes,
    attempts,
    listenerCount: () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0),
    hold() {
      held = [];
    },
    release() {
      const queued = held ?? [];
      held = null;
      for (const deliver of queued) setImmediate(deliver);
    },
    tab(tab: string) {
      const storage: KeyValueStorage = {
        getItem: (key) => data.get(key) ?? null,
        setItem(key, value) {
          attempts.push(tab);
          if (data.get(key) === value) return;
          data.set(key, value);
          writes.push(tab);
          announce(tab, key);
        },
        removeItem(key) {
          attempts.push(tab);
          if (!data.has(key)) return;
          data.delete(key);
          writes.push(tab);
          announce(tab, key);
        },
      };
      const subscribeChanges = (listener: (key: string | null) => void) => {
        const set = listeners.get(tab) ?? new Set();
        set.add(listener);
        listeners.set(tab, set);
        return () => void set.delete(listener);
      };
      return { storage, tabId: tab, subscribeChanges };
    },
  };
}

describe('drafts across tabs of one user', () => {
  const D = '0190c000-0000-7000-8000-0000000000d2';

  function openTabs(userOf: (tab: string) => number = () => 1) {
    const server = createModelServer();
    const shared = sharedStorage();
    const openOne = (tab: string) => {
      const harness = createSyncHarness(
        {},
        {
          persistence: persistToStorage(shared.tab(tab)),
          socket: { enabled: false },
          getCurrentUserId: () => userOf(tab),
        },
        { server },
      );
      harnesses.push(harness);
      harness.store.dispatch(subscribeToConversation(C));
      return harness;
    };
    return { server, shared, a: openOne('tab-a'), b: openOne('tab-b') };
  }

  const draftOf = (harness: SyncHarness, conversationId = C) =>
    selectDraft(harness.store.getState(), conversationId);

  it('a draft typed in one tab shows in the other, and follows further typing', async () => {
    const { a, b } = openTabs();
    await a.settle();
    await b.settle();
    a.store.dispatch(draftChanged({ conversationId: C, text: 'Привет' }));
    await a.advance(1_000);
    await b.settle();
    expect(draftOf(b)).toBe('Привет');

    // Unlike the restore after a reload, a newer text replaces the one shown.
    a.store.dispatch(draftChanged({ conversationId: C, text: 'Привет, как дела?' }));
    await a.advance(1_000);
    await b.settle();
    expect(draftOf(b)).toBe('Привет, как дела?');
  });

  it('a draft cleared in one tab (sent) disappears from the other', async () => {
    const { a, b } = openTabs();
    a.store.dispatch(draftChanged({ conversationId: C, text: 'to be sent' }));
    await a.advance(1_000);
    await b.settle();
    expect(draftOf(b)).toBe('to be sent');
    a.store.dispatch(draftChanged({ conversationId: C, text: '' }));
    await a.advance(1_000);
    await b.settle();
    expect(draftOf(b)).toBe('');
  });

  it('a draft shown from another tab is not written back (no echo between tabs)', async () => {
    const { a, b, shared } = openTabs();
    // The writes of the session's start are done.
    await a.advance(1_000);
    await b.advance(1_000);
    shared.attempts.length = 0;
    a.store.dispatch(draftChanged({ conversationId: C, text: 'only A writes this' }));
    await a.advance(1_000);
    await b.advance(1_000);
    expect(draftOf(b)).toBe('only A writes this');
    expect(shared.attempts.filter((tab) => tab === 'tab-b')).toEqual([]);
  });

  it('a stale copy never overwrites the newer text of the tab being typed in', async () => {
    const { a, b, shared } = openTabs();
    b.store.dispatch(draftChanged({ conversationId: C, text: 'hel' }));
    await b.advance(1_000);
    await a.settle();
    expect(draftOf(a)).toBe('hel');

    // A goes on typing; B hears of it late, and meanwhile writes a draft of its own elsewhere.
    shared.hold();
    a.store.dispatch(draftChanged({ conversationId: C, text: 'hello' }));
    await a.advance(1_000);
    b.store.dispatch(draftChanged({ conversationId: D, text: 'another conversation' }));
    await b.advance(1_000);
    shared.release();
    await a.settle();
    await b.settle();
    expect(draftOf(a)).toBe('hello');
    expect(draftOf(b)).toBe('hello');
    expect(draftOf(a, D)).toBe('another conversation');
  });

  it('a draft this tab has not written yet is kept, and then wins in the other tab', async () => {
    const { a, b } = openTabs();
    b.store.dispatch(draftChanged({ conversationId: C, text: 'typed in B just now' }));
    a.store.dispatch(draftChanged({ conversationId: C, text: 'typed in A' }));
    await a.advance(1_000);
    await b.settle();
    expect(draftOf(b)).toBe('typed in B just now');
    await b.advance(1_000);
    await a.settle();
    expect(draftOf(a)).toBe('typed in B just now');
  });

  it('drafts of another user never show, and a session that ended stops listening', async () => {
    const { a, b, shared } = openTabs((tab) => (tab === 'tab-a' ? 1 : 2));
    await a.settle();
    await b.settle();
    a.store.dispatch(draftChanged({ conversationId: C, text: 'user 1 only' }));
    await a.advance(1_000);
    await b.settle();
    expect(draftOf(b)).toBe('');
    expect(shared.listenerCount()).toBe(2);
    a.chat.dispose();
    b.chat.dispose();
    expect(shared.listenerCount()).toBe(0);
  });
});

describe('unsent messages across tabs of one user', () => {
  const TEXT = 'из вкладки A';

  function openTabs(
    options: { socketA?: boolean; userOf?: (tab: string) => number; server?: ModelServer } = {},
  ) {
    const server = options.server ?? createModelServer();
    const shared = sharedStorage();
    const openOne = (tab: string, socket: boolean) => {
      const harness = createSyncHarness(
        {},
        {
          persistence: persistToStorage(shared.tab(tab)),
          socket: { enabled: socket },
          getCurrentUserId: () => options.userOf?.(tab) ?? 1,
        },
        { server },
      );
      harnesses.push(harness);
      harness.store.dispatch(subscribeToConversation(C));
      return harness;
    };
    return {
      server,
      shared,
      a: openOne('tab-a', options.socketA ?? true),
      b: openOne('tab-b', true),
    };
  }

  const shown = (harness: SyncHarness) =>
    harness.messagesOf(C).map((message) => `${message.text}:${message.status}`);

  /** The most copies of `text` the conversation ever showed in `harness`, from now on. */
  function mostCopies(harness: SyncHarness, text = TEXT) {
    let most = 0;
    const count = () => {
      most = Math.max(most, harness.messagesOf(C).filter((m) => m.text === text).length);
    };
    count();
    const stop = harness.store.subscribe(count);
    return () => {
      stop();
      return most;
    };
  }

  async function settleBoth(a: SyncHarness, b: SyncHarness) {
    await a.settle();
    await b.settle();
    await a.settle();
  }

  it('a message one tab is sending shows in the other as sending, then once as sent', async () => {
    const { server, a, b } = openTabs();
    await settleBoth(a, b);
    server.setUp(false);
    a.store.dispatch(submitMessage({ conversationId: C, text: TEXT }));
    await settleBoth(a, b);
    expect(shown(b)).toEqual([`${TEXT}:pending`]);
    // Only shown here: this tab never sends it.
    expect(unsentIn(b)).toEqual([]);

    const copies = mostCopies(b);
    server.setUp(true);
    for (let i = 0; i < 10; i++) {
      await a.advance(1_000, 250);
      await b.advance(1_000, 250);
    }
    expect(server.messagesOf(C).map((m) => m.text)).toEqual([TEXT]);
    expect(shown(a)).toEqual([`${TEXT}:sent`]);
    expect(shown(b)).toEqual([`${TEXT}:sent`]);
    expect(copies()).toBe(1);
    expect(b.store.getState().chat.otherTabs.pending).toEqual({});
  });

  it("shows the server copy once when the record read afterwards still has the other tab's entry (a late write)", async () => {
    const { server, shared, a, b } = openTabs();
    await settleBoth(a, b);
    server.setUp(false);
    a.store.dispatch(submitMessage({ conversationId: C, text: TEXT }));
    await settleBoth(a, b);
    // The record as it was while A's message was unsent.
    const [key, stale] = [...shared.data.entries()][0]!;
    server.setUp(true);
    for (let i = 0; i < 10; i++) {
      await a.advance(1_000, 250);
      await b.advance(1_000, 250);
    }
    expect(shown(b)).toEqual([`${TEXT}:sent`]);
    const copies = mostCopies(b);
    // A write of that older record reaches B after the server copy did.
    shared.tab('tab-late').storage.setItem(key, stale);
    await b.settle();
    expect(b.store.getState().chat.otherTabs.pending[C]).toHaveLength(1);
    expect(shown(b)).toEqual([`${TEXT}:sent`]);
    expect(copies()).toBe(1);
  });

  it('a message refused in one tab shows as failed in the other, and goes when that tab discards it', async () => {
    const { server, a, b } = openTabs();
    await settleBoth(a, b);
    server.setSocketsAccepted(false);
    server.fail((request) => request.method === 'POST', {
      status: 400,
      body: { detail: 'text: too long', code: 'validation_error' },
    });
    a.store.dispatch(submitMessage({ conversationId: C, text: TEXT }));
    await a.advance(5_000);
    await b.settle();
    expect(shown(a)).toEqual([`${TEXT}:failed`]);
    expect(b.messagesOf(C)[0]).toMatchObject({ status: 'failed', errorCode: 'validation_error' });
    const failed = a.messagesOf(C)[0]!;
    a.store.dispatch(messageDiscarded({ conversationId: C, clientId: failed.id }));
    await settleBoth(a, b);
    expect(shown(b)).toEqual([]);
  });

  it('a tab that closes with a message unsent: another shows it, adopts it once its lease runs out, and sends it once', async () => {
    const { server, a, b } = openTabs();
    await settleBoth(a, b);
    server.setUp(false);
    a.store.dispatch(submitMessage({ conversationId: C, text: TEXT }));
    await settleBoth(a, b);
    a.chat.dispose();
    expect(shown(b)).toEqual([`${TEXT}:pending`]);
    const copies = mostCopies(b);
    server.setUp(true);
    // B writes nothing of its own, yet checks the lease: after 30 s it adopts and sends.
    await b.advance(45_000, 1000);
    expect(server.messagesOf(C).map((m) => m.text)).toEqual([TEXT]);
    expect(shown(b)).toEqual([`${TEXT}:sent`]);
    expect(copies()).toBe(1);
    expect(b.store.getState().chat.otherTabs.pending).toEqual({});
  });

  it("another user's unsent messages never show", async () => {
    const { server, a, b } = openTabs({ userOf: (tab) => (tab === 'tab-a' ? 1 : 2) });
    await settleBoth(a, b);
    server.setUp(false);
    a.store.dispatch(submitMessage({ conversationId: C, text: TEXT }));
    await settleBoth(a, b);
    expect(shown(a)).toEqual([`${TEXT}:pending`]);
    expect(shown(b)).toEqual([]);
  });
});

describe('read marks across tabs of one user (no user stream)', () => {
  function openTabs() {
    const server = createModelServer();
    const shared = sharedStorage();
    const openOne = (tab: string) => {
      const harness = createSyncHarness(
        {},
        { persistence: persistToStorage(shared.tab(tab)) },
        { server },
      );
      harnesses.push(harness);
      harness.store.dispatch(subscribeToConversation(C));
      return harness;
    };
    return { server, shared, a: openOne('tab-a'), b: openOne('tab-b') };
  }
  const unread = (harness: SyncHarness) => selectUnreadCount(harness.store.getState(), C);
  const seeNewest = (harness: SyncHarness, index = -1) => {
    const message = harness.messagesOf(C).at(index)!;
    harness.store.dispatch(
      messagesSeen({ conversationId: C, messageId: message.id, createdMs: message.created_ms }),
    );
  };
  async function settleBoth(a: SyncHarness, b: SyncHarness) {
    await a.settle();
    await b.settle();
  }

  it('a conversation read in one tab stops counting as unread in the other', async () => {
    const { server, a, b } = openTabs();
    await settleBoth(a, b);
    server.post(C, 2, { text: 'раз' });
    server.post(C, 2, { text: 'два' });
    await settleBoth(a, b);
    expect([unread(a), unread(b)]).toEqual([2, 2]);
    seeNewest(a);
    await a.advance(1_000);
    await b.settle();
    expect([unread(a), unread(b)]).toEqual([0, 0]);
    // What comes after counts again, in both.
    server.post(C, 2, { text: 'три' });
    await settleBoth(a, b);
    expect([unread(a), unread(b)]).toEqual([1, 1]);
    // B reads it: A follows.
    seeNewest(b);
    await b.advance(1_000);
    await a.settle();
    expect([unread(a), unread(b)]).toEqual([0, 0]);
  });

  it('an older mark from another tab never moves this tab back, and a corrupt one is ignored', async () => {
    const { server, shared, a, b } = openTabs();
    await settleBoth(a, b);
    for (const text of ['раз', 'два', 'три']) server.post(C, 2, { text });
    await settleBoth(a, b);
    seeNewest(b);
    // A has seen only the first: it does not overwrite B's newer mark in the record.
    seeNewest(a, 0);
    await a.advance(1_000);
    await b.advance(1_000);
    await a.settle();
    expect([unread(a), unread(b)]).toEqual([0, 0]);
    // A late write of an older record (and garbage beside it) reaches B: B stays where it is.
    const [key, current] = [...shared.data.entries()][0]!;
    const record = JSON.parse(current) as { reads: Record<string, unknown> };
    const first = b.messagesOf(C)[0]!;
    record.reads[C] = { messageId: first.id, createdMs: first.created_ms };
    record.reads['0190c000-0000-7000-8000-0000000000ff'] = { messageId: 7, createdMs: 'soon' };
    shared.tab('tab-late').storage.setItem(key, JSON.stringify(record));
    await b.settle();
    expect(unread(b)).toBe(0);
    expect(b.store.getState().chat.reads['0190c000-0000-7000-8000-0000000000ff']).toBeUndefined();
  });

  it('a logout erases the read marks with the rest', async () => {
    const { server, shared, a, b } = openTabs();
    await settleBoth(a, b);
    server.post(C, 2, { text: 'раз' });
    await settleBoth(a, b);
    seeNewest(a);
    await a.advance(1_000);
    expect(shared.data.size).toBe(1);
    a.chat.endSession();
    expect(shared.data.size).toBe(0);
  });
});
