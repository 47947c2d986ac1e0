import {
  chatApi,
  describeChatError,
  errorCodeOf,
  selectNotices,
  selectProtocolErrors,
  submitMessage,
  subscribeToConversation,
} from 'unet-chat-redux';
import { RAW_EXCERPT_LENGTH } from '../../src/socket/codec';
import { checkAnswer, excerptOf } from '../../src/api/validate';
import { createModelServer } from '../support/modelServer';
import { createSyncHarness } from '../support/syncHarness';
import type { SyncHarness } from '../support/syncHarness';
import { stateProblems, watchConsole } from './invariants';
import { createFaultyFetch, isClearError } from './restFaults';
import type { FaultyFetch, RawAnswer } from './restFaults';

/**
 * The failing cases the fuzz tests found in the state layer, the API slice,
 * the sync runner and the outbox (rest.fuzz.test.ts now generates each of
 * them), kept as plain tests: each failed on the code before its fix. The
 * socket codec's are in regressions.test.ts.
 */
const C = '0190c000-0000-7000-8000-00000000000c';

let current: SyncHarness | undefined;
afterEach(() => {
  current?.chat.dispose();
  current = undefined;
});

async function liveStore(count: number) {
  const harness = (current = createSyncHarness());
  for (let n = 1; n <= count; n++) harness.server.post(C, 2, { text: `m${n}` });
  harness.store.dispatch(subscribeToConversation(C));
  await harness.settle();
  expect(harness.syncOf(C).phase).toBe('live');
  const socket = harness.server.memory.sockets.find((s) => s.state === 'open')!;
  return { harness, socket };
}

describe('a copy of a known message with another created_at (fixed: the stored time is kept)', () => {
  // Was a bug: the copy replaced the entity and its `created_ms` but left the
  // message where it was, so the timeline was no longer ordered and later
  // insertions could misplace messages. A message's place in time is now fixed.
  it.each(['message:updated', 'message:new'])(
    'a %s frame that moves a known message in time keeps ids ordered',
    async (type) => {
      const { harness, socket } = await liveStore(3);
      const first = harness.server.messagesOf(C)[0]!;
      socket.receive({ type, payload: { ...first, created_at: '2026-03-01T12:00:00.000Z' } });
      await harness.settle();
      expect(stateProblems(harness.store.getState())).toEqual([]);
    },
  );
});

// ─── REST answers ────────────────────────────────────────────────────────────

interface RestStore {
  harness: SyncHarness;
  faults: FaultyFetch;
  logged: unknown[][];
}

let restoreConsole: (() => void) | undefined;
afterEach(() => {
  restoreConsole?.();
  restoreConsole = undefined;
});

/** A store (not subscribed yet) whose REST answers the test may replace (restFaults.ts). */
function faultyStore() {
  const server = createModelServer();
  const recorded = { actions: [] as unknown[] };
  const faults = createFaultyFetch(server, () => recorded.actions.length);
  const harness = (current = createSyncHarness({}, { fetchFn: faults.fetchFn }, { server }));
  recorded.actions = harness.actions;
  const watched = watchConsole();
  restoreConsole = watched.restore;
  return { server, faults, harness, logged: watched.logged };
}

/** A live store whose REST answers the test may replace. */
async function restStore(count = 3): Promise<RestStore> {
  const { server, faults, harness, logged } = faultyStore();

  for (let n = 1; n <= count; n++) server.post(C, 2, { text: `m${n}` });
  harness.store.dispatch(subscribeToConversation(C));
  await harness.settle();
  return { harness, faults, logged };
}

/** A live store whose sends go over REST (the sockets are refused). */
async function restOnlyStore(): Promise<RestStore> {
  const store = await restStore();
  store.harness.server.setSocketsAccepted(false);
  await store.harness.settle();
  return store;
}

const jsonAnswer = (status: number, body: unknown): RawAnswer => ({
  status,
  text: JSON.stringify(body),
  contentType: 'application/json',
});

/** Runs a query or mutation, returning what it threw (synchronously or not), if anything. */
async function outcome(run: () => unknown): Promise<unknown> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('REST answers of the wrong shape (the base query, validate.ts, chatApi.ts)', () => {
  // Was a bug (src/api/baseQuery.ts): fetchBaseQuery parses every body as JSON, so a
  // refusal whose body is not JSON (a proxy's HTML 403, nginx's 413) becomes
  // { status: 'PARSING_ERROR', originalStatus: 403 } — and the outbox and the
  // sync, which look for a numeric 4xx, take it for a fault: the send is retried
  // forever instead of failing, the load retried instead of failing.
  // Fixed: the base query's responseHandler (parseBody) keeps the text of a non-2xx
  // answer that is not JSON, so the refusal keeps its status.
  it('a send refused with a body that is not JSON is marked failed', async () => {
    const { harness, faults } = await restOnlyStore();
    faults.add({
      kind: 'send',
      answer: { status: 403, text: '<h1>Forbidden</h1>', contentType: 'text/html' },
      served: false,
      times: 1,
    });
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'mine' }));
    await harness.settle();
    expect(harness.messagesOf(C).at(-1)).toMatchObject({
      text: 'mine',
      status: 'failed',
      errorCode: 'http_403',
    });
  });

  it('a load refused with a body that is not JSON fails (a refusal), and is not retried as a fault', async () => {
    const { faults, harness } = faultyStore();
    faults.add({
      kind: 'history',
      answer: { status: 404, text: 'Not Found', contentType: 'text/plain' },
      served: false,
      times: 1,
    });
    harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    expect(harness.syncOf(C)).toMatchObject({ phase: 'failed', errorCode: 'http_404' });
  });

  // Was a bug (src/api/errors.ts, detailOf): a `detail` that is an empty (or blank)
  // string is taken as the error's text, so the notice and the failed message
  // say nothing. Fixed: a blank (or markup) detail is no text; the error then says
  // "Request failed with status N".
  it('a refusal with an empty detail still says what failed', async () => {
    const { harness, faults } = await restStore();
    faults.add({ kind: 'edit', answer: jsonAnswer(403, { detail: '' }), served: false, times: 1 });
    const target = harness.messagesOf(C)[0]!;
    await harness.store.dispatch(
      chatApi.endpoints.editMessage.initiate({ id: target.id, text: 'x' }),
    );
    await harness.settle();
    const notice = selectNotices(harness.store.getState()).at(-1);
    expect(notice).toMatchObject({ code: 'edit_failed' });
    expect(isClearError(notice?.detail)).toBe(true);
  });

  // Was a bug (src/api/chatApi.ts sendMessage, src/socket/listeners/outbound.ts): a 2xx
  // answer to a send is not checked: the mutation is fulfilled with `{}`. The
  // outbox then calls `messagesReceived(conversationId, [{}])`, which throws in its
  // async send (an unhandled rejection: parseTimestamp of an undefined created_at),
  // loses track of the message and sends it again — a duplicate on a server that
  // does not deduplicate. (Tested here on the mutation: jest fails any test with an
  // unhandled rejection.) Fixed: the send's route `expects` a message, the base query
  // checks it (validate.ts), and the outbox treats the error like a lost answer
  // (unsure: a catch-up tells).
  it('a send answered 201 with a wrong shape is an error of the mutation', async () => {
    const { harness, faults } = await restStore();
    faults.add({ kind: 'send', answer: jsonAnswer(201, { ok: true }), served: true, times: 1 });
    const result = await harness.store.dispatch(
      chatApi.endpoints.sendMessage.initiate({
        conversation_id: C,
        sender_id: 1,
        text: 'mine',
        reply_to: null,
        client_id: '0190c000-0000-7000-a000-000000000001',
      }),
    );
    expect('error' in result).toBe(true);
  });

  // Was a bug (src/api/chatApi.ts editMessage): a 2xx answer to an edit is not checked;
  // `messagesReceived(undefined, [{}])` throws in the reducer and the edit is rolled
  // back with "unet-chat-redux: no timeline for undefined" as its notice.
  // Fixed: checked by the base query; the rollback's notice names the wrong shape.
  it('an edit answered 200 with a wrong shape gives a clear error', async () => {
    const { harness, faults } = await restStore();
    faults.add({ kind: 'edit', answer: jsonAnswer(200, { ok: true }), served: true, times: 1 });
    const target = harness.messagesOf(C)[0]!;
    await outcome(() =>
      harness.store.dispatch(chatApi.endpoints.editMessage.initiate({ id: target.id, text: 'x' })),
    );
    await harness.settle();
    const notice = selectNotices(harness.store.getState()).at(-1);
    expect(notice === undefined || isClearError(notice.detail)).toBe(true);
  });

  // Was a bug (src/api/chatApi.ts getConversations/getConversation/createConversation,
  // src/state/conversationsSlice.ts, messagesSlice.ts): answers are not checked; a list
  // that is not an array (or holds items without created_at) reaches the reducers,
  // which throw from dispatch (`payload.map is not a function`, normalizr's
  // "Unexpected input", `value.trim`). Fixed: checked by the base query (the codec's
  // conversation check, plus the [ext] fields the reducers read); a query error.
  it.each([{}, null, 'text', [{ id: 3 }], [null]])(
    'a conversation list answered with %j is a query error, not an exception',
    async (body) => {
      const { harness, faults, logged } = await restStore();
      faults.add({ kind: 'conversations', answer: jsonAnswer(200, body), served: false, times: 1 });
      const error = await outcome(() =>
        harness.store.dispatch(
          chatApi.endpoints.getConversations.initiate(undefined, { forceRefetch: true }),
        ),
      );
      expect(error).toBeUndefined();
      const result = chatApi.endpoints.getConversations.select()(harness.store.getState());
      expect(result.isError).toBe(true);
      expect(logged).toEqual([]);
    },
  );

  // Was a bug (src/api/chatApi.ts getUsers, src/state/usersSlice.ts): the directory is not
  // checked; items without an id land under the key "undefined", items without a
  // full_name make the sorted adapter throw, a string or null throws from dispatch.
  // Fixed: checked by the base query; only the users' own three fields are kept.
  it.each([{ detail: 5 }, [1, 2], [{ id: 3 }], 'text', null])(
    'a user directory answered with %j is a query error, and chat.users stays clean',
    async (body) => {
      const { harness, faults, logged } = await restStore();
      faults.add({ kind: 'users', answer: jsonAnswer(200, body), served: false, times: 1 });
      const error = await outcome(() =>
        harness.store.dispatch(chatApi.endpoints.getUsers.initiate()),
      );
      expect(error).toBeUndefined();
      expect(chatApi.endpoints.getUsers.select()(harness.store.getState()).isError).toBe(true);
      expect(harness.store.getState().chat.users).toEqual({ ids: [], entities: {} });
      expect(logged).toEqual([]);
    },
  );

  // Was a bug (src/api/chatApi.ts getMessages/getMessageChanges): a rejected item is
  // reported with JSON.stringify(item), which throws (RangeError) for an item nested
  // thousands deep; the query then fails as a whole and is retried forever, the
  // good messages of the page never shown. Fixed: excerptOf (validate.ts), bounded
  // and iterative.
  it('a history item nested 10,000 deep is reported; the rest of the page shows', async () => {
    const { server, faults, harness, logged } = faultyStore();
    const good = server.post(C, 2, { text: 'good' }).message;
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    faults.add({
      kind: 'history',
      answer: {
        status: 200,
        text: `[${JSON.stringify(good)},${deep}]`,
        contentType: 'application/json',
      },
      served: false,
      times: 1,
    });
    harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    expect(harness.messagesOf(C).map((m) => m.text)).toEqual(['good']);
    expect(selectProtocolErrors(harness.store.getState()).total).toBe(1);
    expect(logged).toEqual([]);
  });
});

describe('the sync runner and the outbox (src/socket/listeners/sync.ts, outbound.ts)', () => {
  // Was a bug (sync.ts retryAfterMs, outbound.ts retryAfterMs): a REST `retry_after_ms`
  // is used as it comes (only NaN and negatives are refused). 1e300 holds the load
  // (or the outbox of the conversation) forever; with real timers, which overflow
  // past 2^31 ms, it fires at once, in a loop. Fixed: retryAfterOf (errors.ts) caps it
  // at inbound.ts's MAX_RETRY_AFTER_MS (five minutes), as for the socket's hint.
  it('a load answered 429 with retry_after_ms 1e300 is retried within five minutes', async () => {
    const { server, faults, harness } = faultyStore();
    server.post(C, 2, { text: 'hello' });
    faults.add({
      kind: 'history',
      answer: jsonAnswer(429, { detail: 'slow down', retry_after_ms: 1e300 }),
      served: false,
      times: 1,
    });
    harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    expect(harness.syncOf(C).phase).toBe('retrying');
    await harness.advance(5 * 60_000, 5000);
    expect(harness.syncOf(C).phase).toBe('live');
  });

  it('a send answered 429 with retry_after_ms 1e300 goes again within five minutes', async () => {
    const { harness, faults } = await restOnlyStore();
    faults.add({
      kind: 'send',
      answer: jsonAnswer(429, { detail: 'slow down', retry_after_ms: 1e300 }),
      served: false,
      times: 1,
    });
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'mine' }));
    await harness.settle();
    expect(harness.messagesOf(C).at(-1)).toMatchObject({ text: 'mine', status: 'pending' });
    await harness.advance(5 * 60_000, 5000);
    expect(harness.messagesOf(C).at(-1)).toMatchObject({ text: 'mine', status: 'sent' });
  });

  // Was a bug (sync.ts takeCursor): the [ext] "changes since" cursor is asked for once per
  // conversation and session (cursorTried), and a failed first request is never
  // asked again: one network error, and edits and deletions made while the socket
  // was down are never fetched for the rest of the session (changesCursor stays
  // null, changesDue true). A wrong shape (CUSTOM_ERROR) even turns the extension
  // off for every conversation. Fixed: any failure but 404/405 (and, while the
  // extension is not known yet, a wrong shape) asks again after a backoff (1 s doubling
  // to 30 s), so a cursor is taken before the edits are made.
  it('a failed first "changes since" request does not lose the edits made while away', async () => {
    const { server, faults, harness } = faultyStore();
    server.post(C, 2, { text: 'hello' });
    faults.add({ kind: 'changes', answer: 'network-error', served: false, times: 1 });
    harness.store.dispatch(subscribeToConversation(C));
    await harness.advance(5_000, 1000);
    server.setSocketsAccepted(false);
    await harness.settle();
    server.edit(server.messagesOf(C)[0]!.id, 'edited while away');
    server.setSocketsAccepted(true);
    await harness.advance(60_000, 1000);
    expect(harness.messagesOf(C).map((m) => m.text)).toEqual(['edited while away']);
  });
});

describe('[ext] answers the workspace reads (presence, read cursors)', () => {
  // Was a bug (src/api/chatApi.ts getPresence/markRead): not checked; workspace.ts maps
  // the presence answer (`result.data.map is not a function` for `{}`: an unhandled
  // rejection) and reads `user_id` off the read answer. Fixed: their routes `expect`
  // the codec's `presence` and `read:updated` payloads.
  async function storeAnswering(path: RegExp, body: unknown) {
    const server = createModelServer();
    const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(String(input), init);
      if (!path.test(new URL(request.url).pathname)) return server.fetchFn(request);
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      });
    }) as typeof fetch;
    const harness = (current = createSyncHarness({}, { fetchFn }, { server }));
    const watched = watchConsole();
    restoreConsole = watched.restore;
    return { harness, logged: watched.logged };
  }

  it.each([{}, [{ user_id: 'x', online: true }], [null]])(
    'a presence list answered with %j is a query error with a clear text',
    async (body) => {
      const { harness, logged } = await storeAnswering(/\/presence\/$/, body);
      const result = await harness.store.dispatch(chatApi.endpoints.getPresence.initiate());
      expect(result.isError).toBe(true);
      expect(isClearError(describeChatError(result.error))).toBe(true);
      expect(logged).toEqual([]);
    },
  );

  it.each([{ ok: true }, { conversation_id: C, user_id: 1 }, null])(
    'a read cursor answered with %j is a mutation error with a clear text',
    async (body) => {
      const { harness, logged } = await storeAnswering(/\/read\/$/, body);
      const result = await harness.store.dispatch(
        chatApi.endpoints.markRead.initiate({ conversationId: C, messageId: 'm1' }),
      );
      expect('error' in result && describeChatError(result.error)).toMatch(
        /^The server answered a read cursor with something of the wrong shape: it is not a read cursor/,
      );
      expect(logged).toEqual([]);
    },
  );
});

describe('the check of REST answers (validate.ts)', () => {
  it('excerpts any value within the limit, however deep or long, and JSON as JSON', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(excerptOf(deep)).toBe(`${'['.repeat(RAW_EXCERPT_LENGTH)}…`);
    expect(excerptOf({ text: 'x'.repeat(10_000) })).toHaveLength(RAW_EXCERPT_LENGTH + 1);
    expect(excerptOf(new Array(1e6).fill(0))).toHaveLength(RAW_EXCERPT_LENGTH + 1);
    const small = { a: 1, b: [true, null, 'x'], c: { d: -0.5 } };
    expect(excerptOf(small)).toBe(JSON.stringify(small));
  });

  it('passes a right answer on and names the first problem of a wrong one', () => {
    // The seed's fields the check reads, and an [ext] one.
    const conversation = {
      id: C,
      type: 'group',
      created_by: 1,
      created_at: '2026-03-01T10:00:00Z',
      participant_ids: [1, 2],
    };
    const list = { url: '/conversations/', method: 'GET', expects: 'conversations' } as const;
    expect(checkAnswer(list, [conversation])).toEqual({ data: [conversation] });
    expect(checkAnswer(list, [conversation, { ...conversation, participant_ids: 'all' }])).toEqual({
      error: {
        status: 'CUSTOM_ERROR',
        error:
          'The server answered the conversation list with something of the wrong shape: item 2 has "participant_ids" that are not a list of numbers',
      },
    });
    const send = {
      url: '/messages/',
      method: 'POST',
      body: { conversation_id: C },
      expects: 'message',
    } as const;
    const message = {
      id: 'm1',
      conversation_id: 'another',
      sender_id: 1,
      text: 'hi',
      reply_to: null,
      is_edited: false,
      created_at: '2026-03-01T10:00:00Z',
    };
    expect(checkAnswer(send, message)).toMatchObject({
      error: { error: expect.stringMatching(/it is a message of another conversation/) },
    });
    // The directory's users keep their own fields only.
    const users = { url: '/users/', method: 'GET', expects: 'users' } as const;
    expect(checkAnswer(users, [{ id: 1, username: 'a', full_name: 'A', token: 's' }])).toEqual({
      data: [{ id: 1, username: 'a', full_name: 'A' }],
    });
  });

  it('a code in the body of a wrong-shape or unparsable answer is no error code', () => {
    expect(errorCodeOf({ status: 'CUSTOM_ERROR', error: 'x', data: { code: 'forbidden' } })).toBe(
      'custom_error',
    );
    expect(errorCodeOf({ status: 403, data: { code: 'forbidden' } })).toBe('forbidden');
  });
});
