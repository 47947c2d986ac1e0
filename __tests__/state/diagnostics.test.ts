import { configureStore } from '@reduxjs/toolkit';
import fc from 'fast-check';
import {
  chatApi,
  chatReducer,
  createChat,
  createManualEnvironment,
  createMemoryTransport,
  eventsBatched,
  protocolErrorReported,
  selectMessagesOfConversation,
  selectProtocolErrorCount,
  selectProtocolErrors,
  selectRecentProtocolErrors,
  subscribeToConversation,
} from 'unet-chat-redux';
import type { ChatState } from 'unet-chat-redux';
import { createFakeFetch } from '../support/fakeFetch';
import type { FakeAnswer, RecordedRequest } from '../support/fakeFetch';
import { CONVERSATION, message, messages } from '../support/factories';

/**
 * Malformed frames (and malformed items of history answers) are dropped, and
 * the `chat.diagnostics` slice counts them by reason and keeps the last few
 * with raw excerpts, within fixed bounds whatever the server sends.
 */
function setup(
  handler: (request: RecordedRequest) => FakeAnswer = () => ({ status: 200, body: [] }),
) {
  const memory = createMemoryTransport();
  const environment = createManualEnvironment();
  const { fetchFn } = createFakeFetch(handler);
  const chat = createChat({
    baseUrl: 'http://chat.test',
    fetchFn,
    getAccessToken: () => 'token',
    getCurrentUserId: () => 1,
    environment,
    maxRetries: 0,
    socket: { factory: memory.factory, stream: 'never' },
  });
  const store = configureStore({
    reducer: chat.reducers,
    middleware: (getDefault) => getDefault().concat(chat.middleware),
  });
  const settle = async () => {
    for (let i = 0; i < 8; i++) {
      environment.advance(0);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { memory, chat, store, settle };
}

const wrap = (chat: ChatState) => ({ chat });

describe('the diagnostics slice', () => {
  it('counts malformed socket frames by reason, keeps their raw start, and still delivers good frames', async () => {
    const { memory, chat, store, settle } = setup();
    try {
      store.dispatch(subscribeToConversation(CONVERSATION));
      const socket = memory.last()!;
      socket.open();
      await settle();
      socket.receive('{not json');
      socket.receive({ type: 'message:new', payload: { id: 1 } });
      socket.receive({ type: 'message:new', payload: message(1) });
      socket.receive({ type: 'something:else', payload: {} });
      socket.receive('also not json');
      await settle();

      const diagnostics = selectProtocolErrors(store.getState());
      expect(selectProtocolErrorCount(store.getState())).toBe(4);
      expect(diagnostics.byReason).toEqual([
        { reason: 'frame is not JSON', count: 2 },
        { reason: diagnostics.recent[1]!.reason, count: 1 },
        { reason: 'unknown frame type "something:else"', count: 1 },
      ]);
      expect(diagnostics.recent[1]!.reason).toMatch(/^payload of "message:new"/);
      expect(selectRecentProtocolErrors(store.getState())).toEqual([
        { conversationId: CONVERSATION, reason: 'frame is not JSON', raw: '{not json' },
        expect.objectContaining({ raw: '{"type":"message:new","payload":{"id":1}}' }),
        expect.objectContaining({ reason: 'unknown frame type "something:else"' }),
        { conversationId: CONVERSATION, reason: 'frame is not JSON', raw: 'also not json' },
      ]);
      expect(selectMessagesOfConversation(store.getState(), CONVERSATION).map((m) => m.id)).toEqual(
        [message(1).id],
      );
    } finally {
      chat.dispose();
    }
  });

  it('counts the malformed items of a history answer and keeps the good ones', async () => {
    const { chat, store } = setup(() => ({
      status: 200,
      body: [...messages(1, 2), { id: 'broken', text: 5 }],
    }));
    try {
      await store.dispatch(chatApi.endpoints.getMessages.initiate(CONVERSATION));
      expect(selectProtocolErrorCount(store.getState())).toBe(1);
      expect(selectRecentProtocolErrors(store.getState())[0]).toEqual({
        conversationId: CONVERSATION,
        reason: 'A message in a history answer has the wrong shape and was dropped',
        raw: '{"id":"broken","text":5}',
      });
      expect(selectMessagesOfConversation(store.getState(), CONVERSATION)).toHaveLength(2);
    } finally {
      chat.dispose();
    }
  });

  it('counts reports that arrive inside a socket batch', () => {
    const report = protocolErrorReported({ conversationId: CONVERSATION, reason: 'r', raw: 'x' });
    const state = chatReducer(undefined, eventsBatched({ actions: [report, report] }));
    expect(selectProtocolErrorCount(wrap(state))).toBe(2);
  });

  it('stays within its bounds whatever the reasons and frames say', () => {
    const reports = fc.array(
      fc.record({
        conversationId: fc.constantFrom(CONVERSATION, 'other'),
        // Few distinct reasons, a flood of unique long ones (a hostile server's `type`), or
        // names of Object.prototype's members.
        reason: fc.oneof(
          fc.constantFrom('a', 'b', '__proto__', 'constructor', 'valueOf'),
          fc.string({ maxLength: 400 }),
        ),
        raw: fc.string({ maxLength: 1000 }),
      }),
      { maxLength: 80 },
    );
    fc.assert(
      fc.property(reports, (list) => {
        const state = list.reduce(
          (current, report) => chatReducer(current, protocolErrorReported(report)),
          chatReducer(undefined, { type: 'init' }),
        );
        const { total, byReason, recent } = selectProtocolErrors(wrap(state));
        expect(total).toBe(list.length);
        expect(byReason.reduce((sum, { count }) => sum + count, 0)).toBe(list.length);
        expect(byReason.length).toBeLessThanOrEqual(21);
        expect(new Set(byReason.map(({ reason }) => reason)).size).toBe(byReason.length);
        expect(recent).toHaveLength(Math.min(list.length, 10));
        recent.forEach((record, i) => {
          const source = list[list.length - recent.length + i]!;
          expect(record.conversationId).toBe(source.conversationId);
          expect(record.raw.length).toBeLessThanOrEqual(200);
          expect(record.reason.length).toBeLessThanOrEqual(160);
          // The excerpt is the start of what arrived.
          expect(source.raw.startsWith(record.raw.replace(/…$/, ''))).toBe(true);
        });
        for (const { reason } of byReason) expect(reason.length).toBeLessThanOrEqual(160);
        // Each of the first 20 distinct reasons is counted apart, exactly.
        for (const { reason, count } of byReason.filter((e) => e.reason !== '(other reasons)')) {
          const clipped = (text: string) => (text.length > 160 ? `${text.slice(0, 159)}…` : text);
          expect(count).toBe(list.filter((report) => clipped(report.reason) === reason).length);
        }
      }),
    );
  });
});
