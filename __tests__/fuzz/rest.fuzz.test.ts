import fc from 'fast-check';
import {
  chatApi,
  describeChatError,
  historyLoadFailed,
  loadOlderMessages,
  messageDeleteFailed,
  messageEditFailed,
  messageRetried,
  messageSendFailed,
  selectProtocolErrorCount,
  submitMessage,
  subscribeToConversation,
  syncFailed,
  syncRetryRequested,
  unbatchChatActions,
} from 'unet-chat-redux';
import type { UnknownAction } from '@reduxjs/toolkit';
import { createModelServer } from '../support/modelServer';
import { createSyncHarness, ME } from '../support/syncHarness';
import type { SyncHarness } from '../support/syncHarness';
import { fuzzParameters, fuzzTimeout } from './frames';
import { assertInvariants, watchConsole } from './invariants';
import {
  createFaultyFetch,
  failure,
  garbage2xx,
  isClearError,
  isCorrupted,
  isRefusal,
  isSuccess,
  listAnswer,
  statusOf,
} from './restFaults';
import type { FaultyFetch, FiredFault, RawAnswer, RequestKind } from './restFaults';
import { viewOf } from './timelineView';
import { MAX_RETRY_AFTER_MS } from '../../src/socket/listeners/inbound';

/**
 * REST answers of the wrong shape, fuzzed: the history pages, catch-up pages,
 * scroll-back, "changes since", sends, edits, deletes, the conversation list
 * and the user directory of a real store are answered, now and then, with
 * any status and any body (JSON of the wrong shape, lists with broken items,
 * HTML, nothing, no answer at all, blank details, retry hints no timer can
 * hold), with the write done on the server or not. Nothing throws and nothing
 * is logged; the state keeps its invariants; each broken list item is
 * reported once; each failed request leaves a clear error in state
 * (`syncFailed`, `historyLoadFailed`, a failed send, a rolled-back edit or
 * delete, a query error); and once the answers are right again the store
 * converges to the server. (An async path that throws is an unhandled
 * rejection, which jest itself turns into a failure of the test.)
 */
const C1 = '0190c000-0000-7000-8000-0000000000c1';
const C2 = '0190c000-0000-7000-8000-0000000000c2';
const CONVERSATIONS = [C1, C2] as const;
const OTHER = 2;
const PAGE = 5;

interface Run {
  harness: SyncHarness;
  faults: FaultyFetch;
  sent: Map<string, string[]>;
  counter: number;
  thrown: unknown[];
}

type Step = { name: string; run(run: Run): Promise<void> };

const conversation = fc.constantFrom(...CONVERSATIONS);

/** What each kind of request may be answered with in the passing property. */
const answers: Array<[RequestKind, fc.Arbitrary<RawAnswer>]> = [
  ['history', listAnswer],
  ['catchUp', listAnswer],
  ['older', listAnswer],
  ['changes', listAnswer],
  ['send', fc.oneof(failure, garbage2xx)],
  ['edit', fc.oneof(failure, garbage2xx)],
  ['delete', fc.oneof(failure, garbage2xx)],
  ['conversations', fc.oneof(failure, garbage2xx)],
  ['users', fc.oneof(failure, garbage2xx)],
];

const faultStep: fc.Arbitrary<Step> = fc
  .constantFrom(...answers)
  .chain(([kind, answer]) =>
    fc.record({
      kind: fc.constant(kind),
      answer,
      served: fc.boolean(),
      times: fc.integer({ min: 1, max: 2 }),
    }),
  )
  // A write answered with success was done (a 2xx that lies about it is no wrong shape: nobody can tell).
  .map((fault) => (isSuccess(fault.answer) ? { ...fault, served: true } : fault))
  .map((fault) => ({
    name: `the next ${fault.times} ${fault.kind} answer(s): ${JSON.stringify(fault.answer).slice(0, 80)}${
      fault.served ? ' (served)' : ''
    }`,
    async run({ faults }) {
      faults.add(fault);
    },
  }));

/** Dispatches, remembering anything thrown (the property fails on it). */
function attempt(run: Run, what: () => unknown): void {
  try {
    const result = what();
    if (result && typeof (result as Promise<unknown>).then === 'function')
      (result as Promise<unknown>).then(undefined, (error: unknown) => run.thrown.push(error));
  } catch (error) {
    run.thrown.push(error);
  }
}

function shownIds(run: Run, conversationId: string): string[] {
  const timeline = run.harness.store.getState().chat.messages.conversations[conversationId];
  return timeline ? viewOf(timeline).ids : [];
}

/** Steps print as their names in a counterexample. */
const named = (step: Step): Step => Object.assign(step, { toString: () => step.name });

const steps: fc.Arbitrary<Step>[] = [
  faultStep,
  faultStep,
  faultStep,
  conversation.map((id) => ({
    name: `we write in ${id.slice(-2)}`,
    async run(run) {
      const text = `ours ${++run.counter}`;
      run.sent.get(id)!.push(text);
      attempt(run, () => run.harness.store.dispatch(submitMessage({ conversationId: id, text })));
      await run.harness.settle(3);
    },
  })),
  fc.tuple(conversation, fc.nat(), fc.boolean()).map(([id, pick, remove]) => ({
    name: `we ${remove ? 'delete' : 'edit'} a shown message in ${id.slice(-2)}`,
    async run(run) {
      // Theirs only: ours are compared with what we wrote.
      const shown = run.harness.store.getState().chat.messages.conversations[id];
      const entities = shown ? viewOf(shown).entities : undefined;
      const ids = shownIds(run, id).filter((shown) => entities?.[shown]?.sender_id === OTHER);
      const target = ids[pick % Math.max(1, ids.length)];
      if (!target) return;
      const { store } = run.harness;
      attempt(run, () =>
        remove
          ? store.dispatch(chatApi.endpoints.deleteMessage.initiate(target))
          : store.dispatch(
              chatApi.endpoints.editMessage.initiate({ id: target, text: `edit ${++run.counter}` }),
            ),
      );
      await run.harness.settle(3);
    },
  })),
  conversation.map((id) => ({
    name: `scroll back in ${id.slice(-2)}`,
    async run(run) {
      attempt(run, () => run.harness.store.dispatch(loadOlderMessages(id)));
      await run.harness.settle(3);
    },
  })),
  fc.tuple(conversation, fc.constantFrom('post', 'edit', 'delete')).map(([id, what]) => ({
    name: `others ${what} in ${id.slice(-2)}`,
    async run(run) {
      const { server } = run.harness;
      const theirs = server.messagesOf(id).filter((m) => m.sender_id === OTHER);
      const target = theirs[run.counter % Math.max(1, theirs.length)];
      if (what === 'post') server.post(id, OTHER, { text: `theirs ${++run.counter}` });
      else if (target && what === 'edit') server.edit(target.id, `theirs, edited ${++run.counter}`);
      else if (target) server.remove(target.id);
      await run.harness.settle(3);
    },
  })),
  fc.constantFrom('conversations', 'users').map((kind) => ({
    name: kind === 'users' ? 'load the user directory' : 'refresh the conversation list',
    async run(run) {
      const { store } = run.harness;
      const usersBefore = store.getState().chat.users;
      const firedBefore = run.faults.fired.length;
      const options = { subscribe: false, forceRefetch: true } as const;
      let request: PromiseLike<{ isError: boolean; error?: unknown }> | undefined;
      attempt(run, () => {
        request =
          kind === 'users'
            ? store.dispatch(chatApi.endpoints.getUsers.initiate(undefined, options))
            : store.dispatch(chatApi.endpoints.getConversations.initiate(undefined, options));
        return request;
      });
      const result = await Promise.resolve(request).catch(() => undefined);
      await run.harness.settle(3);
      // A replaced answer is a query error with a clear text, and the directory is as it was.
      if (!run.faults.fired.slice(firedBefore).some((fault) => fault.kind === kind)) return;
      const error = result?.isError ? describeChatError(result.error) : null;
      if (!isClearError(error))
        run.thrown.push(new Error(`a faulty ${kind} answer without a clear error: ${error}`));
      if (store.getState().chat.users !== usersBefore)
        run.thrown.push(new Error('a faulty directory answer changed chat.users'));
    },
  })),
  fc.boolean().map((refuse) => ({
    name: `sockets ${refuse ? 'refused (sends go over REST)' : 'accepted'}`,
    async run({ harness }) {
      harness.server.setSocketsAccepted(!refuse);
      await harness.settle(3);
    },
  })),
  fc.constant<Step>({
    name: 'cut the sockets (a catch-up and "changes since" follow)',
    async run({ harness }) {
      harness.server.cutSockets();
      await harness.settle(3);
    },
  }),
  fc.integer({ min: 0, max: 20_000 }).map((ms) => ({
    name: `${ms} ms pass`,
    run: ({ harness }: Run) => harness.advance(ms, 1000),
  })),
];

/** The actions recorded since an answer left, batches opened. */
function actionsSince(harness: SyncHarness, index: number): UnknownAction[] {
  return harness.actions.slice(index).flatMap((action) => unbatchChatActions(action));
}

/** What the state must show for a failed answer; null when it is what it must be. */
function missingEvidence(harness: SyncHarness, fault: FiredFault): string | null {
  const { kind, answer } = fault;
  const later = actionsSince(harness, fault.actionIndex);
  const conversationId = decodeURIComponent(/\/messages\/([^/?]+)/.exec(fault.url)?.[1] ?? '');
  const clear = (error: unknown, what: string) =>
    isClearError(error) ? null : `${what} without a clear error: ${JSON.stringify(error)}`;
  switch (kind) {
    case 'history':
    case 'catchUp': {
      if (isCorrupted(answer)) return null;
      // A refused cursor restarts from the newest page instead (see sync.ts).
      if (kind === 'catchUp' && statusOf(answer) === 400) return null;
      const failed = later.find(
        (a) => syncFailed.match(a) && a.payload.conversationId === conversationId,
      );
      if (!failed || !syncFailed.match(failed)) return `no syncFailed for a ${kind} answer`;
      return clear(failed.payload.error, 'syncFailed');
    }
    case 'older': {
      if (isCorrupted(answer)) return null;
      const failed = later.find(
        (a) => historyLoadFailed.match(a) && a.payload.conversationId === conversationId,
      );
      if (!failed || !historyLoadFailed.match(failed))
        return 'no historyLoadFailed for a scroll-back answer';
      return clear(failed.payload.error, 'historyLoadFailed');
    }
    case 'send': {
      if (!isRefusal(answer)) return null;
      const clientId = (fault.body as { client_id?: string }).client_id;
      const failed = later.find(
        (a) => messageSendFailed.match(a) && a.payload.clientId === clientId,
      );
      if (!failed || !messageSendFailed.match(failed)) return 'a refused send is not marked failed';
      return clear(failed.payload.error, 'messageSendFailed');
    }
    case 'edit': {
      const failed = later.find(messageEditFailed.match);
      if (!failed) return 'a failed edit is not rolled back';
      return clear(failed.payload.error, 'messageEditFailed');
    }
    case 'delete': {
      if (isSuccess(answer)) return null;
      const failed = later.find(messageDeleteFailed.match);
      if (!failed) return 'a failed delete is not rolled back';
      return clear(failed.payload.error, 'messageDeleteFailed');
    }
    default:
      return null;
  }
}

function check(run: Run, step: string, final: boolean, logged: unknown[][]): void {
  const state = run.harness.store.getState();
  assertInvariants(state, step);
  if (run.thrown.length > 0) throw new Error(`after ${step}: threw ${String(run.thrown[0])}`);
  if (logged.length > 0)
    throw new Error(`after ${step}: logged ${logged[0]!.map(String).join(' ')}`);
  const expected = run.faults.fired.reduce((sum, fault) => sum + fault.items, 0);
  const reported = selectProtocolErrorCount(state);
  if (final ? reported !== expected : reported > expected)
    throw new Error(
      `after ${step}: ${reported} protocol errors reported for ${expected} broken items in ${JSON.stringify(
        run.faults.fired
          .filter((fault) => fault.items > 0)
          .map((fault) => [fault.kind, fault.url.replace(/^.*\/messages/, ''), fault.answer]),
      ).slice(0, 1500)}`,
    );
  if (!final) return;
  for (const fault of run.faults.fired) {
    const missing = missingEvidence(run.harness, fault);
    if (missing)
      throw new Error(`${missing} (${fault.url}: ${JSON.stringify(fault.answer).slice(0, 120)})`);
  }
}

async function scenario(plan: Step[]): Promise<void> {
  const server = createModelServer();
  const recorded = { actions: [] as unknown[] };
  const faults = createFaultyFetch(server, () => recorded.actions.length);
  const harness = createSyncHarness({}, { fetchFn: faults.fetchFn, pageSize: PAGE }, { server });
  recorded.actions = harness.actions;
  const console = watchConsole();
  const run: Run = {
    harness,
    faults,
    sent: new Map(CONVERSATIONS.map((id) => [id, []])),
    counter: 0,
    thrown: [],
  };
  try {
    for (const id of CONVERSATIONS) {
      for (let n = 1; n <= 12; n++) server.post(id, OTHER, { text: `seed ${n}` });
      harness.store.dispatch(subscribeToConversation(id));
    }
    await harness.settle();
    check(run, 'the start', false, console.logged);
    for (const step of plan) {
      await step.run(run);
      check(run, step.name, false, console.logged);
    }

    // The answers are right again. A person retries what was refused; the store does the rest.
    faults.clear();
    server.setSocketsAccepted(true);
    await harness.advance(5_000, 1000);
    for (const id of CONVERSATIONS) {
      const timeline = harness.store.getState().chat.messages.conversations[id];
      for (const clientId of timeline?.pending.ids ?? []) {
        if (timeline?.pending.entities[clientId]?.status === 'failed')
          harness.store.dispatch(messageRetried({ conversationId: id, clientId }));
      }
      if (timeline?.sync.phase === 'failed')
        harness.store.dispatch(syncRetryRequested({ conversationId: id }));
    }
    await harness.advance(120_000, 1000);
    // A rate limit's hint waits at most this long.
    await harness.advance(MAX_RETRY_AFTER_MS, 10_000);
    // A last reconnect: "changes since" brings the edits the failed answers hid.
    server.cutSockets();
    await harness.advance(40_000, 1000);
    // Everything older than the first page too (a page is 5 messages).
    for (const id of CONVERSATIONS) {
      for (let page = 0; page < 20; page++) {
        if (!harness.store.getState().chat.messages.conversations[id]?.hasMoreOlder) break;
        await harness.store.dispatch(loadOlderMessages(id));
        await harness.settle(2);
      }
    }
    check(run, 'healing', true, console.logged);
    for (const id of CONVERSATIONS) {
      const shown = harness.messagesOf(id);
      const stored = server.messagesOf(id);
      expect(shown.map((m) => m.id)).toEqual(stored.map((m) => m.id));
      expect(shown.map((m) => m.text)).toEqual(stored.map((m) => m.text));
      expect(shown.filter((m) => m.status !== 'sent')).toEqual([]);
      // Each of ours exactly once (a refused one retried at the end comes later).
      const ours = stored.filter((m) => m.sender_id === ME && m.text?.startsWith('ours'));
      expect(ours.map((m) => m.text).sort()).toEqual([...run.sent.get(id)!].sort());
    }
  } finally {
    harness.chat.dispose();
    console.restore();
  }
}

const RUNS = 25;

describe('REST answers, fuzzed (fast-check)', () => {
  it(
    'answers of any status and shape become clear errors in state, never exceptions, and the store converges once they are right',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(...steps).map(named), { minLength: 4, maxLength: 25 }),
          (plan) => scenario(plan),
        ),
        fuzzParameters(RUNS),
      );
    },
    fuzzTimeout(2000, RUNS),
  );
});
