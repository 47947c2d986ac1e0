import {
  selectProtocolErrors,
  selectRecentProtocolErrors,
  submitMessage,
  subscribeToConversation,
} from 'unet-chat-redux';
import { defaultFrameCodec } from '../../src/socket/codec';
import type { DecodeResult, FrameCodec, ServerEvent } from '../../src/socket/codec';
import { checkMessageChanges } from '../../src/api/validate';
import { createSyncHarness } from '../support/syncHarness';
import type { SyncHarness } from '../support/syncHarness';
import { nested } from './frames';
import { viewOf } from './timelineView';

/**
 * The failing cases the fuzz tests found, kept as plain tests (each failed
 * on the code before its fix).
 */
const C = '0190c000-0000-7000-8000-00000000000c';
const OTHER_C = '0190c000-0000-7000-8000-00000000000d';

const message = (overrides: Record<string, unknown> = {}) => ({
  id: '0190c000-0000-7000-9000-000000000099',
  conversation_id: C,
  sender_id: 2,
  text: 'fine',
  reply_to: null,
  is_edited: false,
  created_at: '2026-03-01T10:00:00.000Z',
  ...overrides,
});

const decode = (frame: unknown): DecodeResult =>
  defaultFrameCodec.decode(typeof frame === 'string' ? frame : JSON.stringify(frame));

function reasonOf(result: DecodeResult): string {
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.event)}`);
  return result.reason;
}

let current: SyncHarness | undefined;
let consoleError: jest.SpyInstance;
beforeEach(() => {
  consoleError = jest.spyOn(console, 'error');
});
afterEach(() => {
  current?.chat.dispose();
  current = undefined;
  consoleError.mockRestore();
});

/** A store live on C, its socket, and the number of protocol errors so far. */
async function liveStore() {
  const harness = (current = createSyncHarness());
  harness.server.post(C, 2, { text: 'before' });
  harness.store.dispatch(subscribeToConversation(C));
  await harness.settle();
  expect(harness.syncOf(C).phase).toBe('live');
  const socket = harness.server.memory.sockets.find((s) => s.state === 'open')!;
  return { harness, socket };
}

const texts = (harness: SyncHarness) => harness.messagesOf(C).map((m) => m.text);
const reported = (harness: SyncHarness) => selectProtocolErrors(harness.store.getState()).total;

describe('ids that are names of Object.prototype', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'the codec refuses a message, a reply or a deletion whose id is "%s"',
    (name) => {
      for (const field of ['id', 'conversation_id', 'client_id', 'reply_to']) {
        expect(reasonOf(decode({ type: 'message:new', payload: message({ [field]: name }) }))).toBe(
          `payload of "message:new" "${field}" must not be "${name}", a name of Object.prototype`,
        );
      }
      expect(
        decode({ type: 'message:deleted', payload: { id: name, conversation_id: C } }).ok,
      ).toBe(false);
    },
  );

  it('a frame with such an id neither takes the valid frames of its batch with it nor goes unreported', async () => {
    const { harness, socket } = await liveStore();
    // Same macrotask: one batch. Before the fix normalizr threw on the id, and the batch was lost.
    socket.receive({ type: 'message:new', payload: message({ id: 'constructor', text: 'bad' }) });
    socket.receive({ type: 'message:new', payload: message() });
    await harness.settle();
    expect(texts(harness)).toEqual(['before', 'fine']);
    expect(reported(harness)).toBe(1);
    expect(consoleError).not.toHaveBeenCalled();
  });
});

describe('deeply nested frames', () => {
  it('the codec refuses a frame nested deeper than 32 levels, and accepts one of 32', () => {
    const frame = (depth: number) => ({
      type: 'message:new',
      payload: { ...message(), extra: nested(depth - 2) },
    });
    expect(decode(frame(32)).ok).toBe(true);
    expect(reasonOf(decode(frame(33)))).toBe('frame is nested deeper than 32 levels');
    // Deeper than the stack: still an answer, not a RangeError.
    const deep = `{"type":"message:new","payload":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    expect(reasonOf(decode(deep))).toBe('frame is nested deeper than 32 levels');
  });

  it('a deeply nested frame is reported and the valid frames of its batch still show', async () => {
    const { harness, socket } = await liveStore();
    const payload = JSON.stringify(message({ id: 'deep', text: 'deep' }));
    const depth = 10_000;
    // Before the fix the store's deep freeze overflowed the stack and the batch was lost.
    socket.receive(
      `{"type":"message:new","payload":${payload.slice(0, -1)},"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`,
    );
    socket.receive({ type: 'message:new', payload: message() });
    await harness.settle();
    expect(texts(harness)).toEqual(['before', 'fine']);
    expect(reported(harness)).toBe(1);
    expect(consoleError).not.toHaveBeenCalled();
  });
});

describe('reasons of rejected frames', () => {
  it('quote at most 40 characters of an unknown type', () => {
    const type = 'x'.repeat(5000);
    expect(reasonOf(decode({ type, payload: {} }))).toBe(`unknown frame type "${'x'.repeat(40)}…"`);
  });
});

describe('frames naming another conversation than their socket’s', () => {
  it.each([
    ['message:new', message({ conversation_id: OTHER_C })],
    ['message:updated', message({ id: 'known', conversation_id: OTHER_C, text: 'edited' })],
    ['message:deleted', { id: 'known', conversation_id: OTHER_C }],
    ['participant:added', { conversation_id: OTHER_C, user_id: 9 }],
    ['participant:removed', { conversation_id: OTHER_C, user_id: 1 }],
    ['conversation:deleted', { id: OTHER_C }],
  ])(
    'a %s frame is dropped and reported, and touches neither conversation',
    async (type, payload) => {
      const { harness, socket } = await liveStore();
      harness.server.post(OTHER_C, 2, { text: 'other' });
      harness.store.dispatch(subscribeToConversation(OTHER_C));
      await harness.settle();
      const before = harness.store.getState().chat.messages.conversations;
      socket.receive({ type, payload });
      await harness.settle();
      // Before the fix a message frame was skipped silently, and the others acted on
      // the socket's conversation (or, for conversation:deleted, removed the other one).
      expect(reported(harness)).toBe(1);
      expect(selectRecentProtocolErrors(harness.store.getState())[0]).toMatchObject({
        conversationId: C,
        reason: `a "${type}" frame of another conversation was dropped`,
      });
      const after = harness.store.getState().chat.messages.conversations;
      expect(viewOf(after[C]!).ids).toEqual(viewOf(before[C]!).ids);
      expect(viewOf(after[OTHER_C]!).ids).toEqual(viewOf(before[OTHER_C]!).ids);
      expect(harness.syncOf(OTHER_C).phase).toBe('live');
    },
  );
});

describe('retry hints of rate_limited', () => {
  async function rateLimited(hint: unknown) {
    const { harness, socket } = await liveStore();
    harness.store.dispatch(submitMessage({ conversationId: C, text: 'mine' }));
    const clientId = (socket.sentFrames()[0] as { payload: { client_id: string } }).payload
      .client_id;
    // Refused instead of stored: the model server never reads the frame.
    socket.sent.splice(0);
    socket.receive({
      type: 'error',
      payload: {
        code: 'rate_limited',
        detail: 'slow down',
        client_id: clientId,
        retry_after_ms: hint,
      },
    });
    await harness.settle();
    return { harness, socket };
  }

  it('an absurdly long hint waits at most five minutes', async () => {
    const { harness, socket } = await rateLimited(1e300);
    // Before the fix the outbox of the conversation waited forever (or, with real
    // timers, which overflow past 2^31 ms, resent at once in a loop).
    await harness.advance(5 * 60_000, 10_000);
    expect(socket.sentFrames()).toContainEqual(expect.objectContaining({ type: 'message:send' }));
  });

  it('a negative hint is no hint: the send backs off instead of going again at once', async () => {
    const { harness, socket } = await rateLimited(-5);
    expect(socket.sentFrames()).toEqual([]);
    await harness.advance(60_000, 1000);
    expect(socket.sentFrames()).toContainEqual(expect.objectContaining({ type: 'message:send' }));
  });

  it('a hint that is not a number makes the frame a protocol error, reported once', () => {
    expect(
      reasonOf(
        decode({
          type: 'error',
          payload: { code: 'rate_limited', detail: 'x', retry_after_ms: '5' },
        }),
      ),
    ).toBe('payload of "error" "retry_after_ms" must be a number when present');
  });
});

describe('a frame the store cannot apply', () => {
  it('is reported, and the other frames of its batch still apply (a host codec that checks less)', async () => {
    // A host's codec that trusts the server: it hands over an id normalizr cannot key by.
    const trusting: FrameCodec = {
      decode: (data) => ({ ok: true, event: JSON.parse(data) as ServerEvent }),
      encode: (frame) => JSON.stringify(frame),
    };
    const harness = (current = createSyncHarness({}, { socket: { codec: trusting } }));
    harness.server.post(C, 2, { text: 'before' });
    harness.store.dispatch(subscribeToConversation(C));
    await harness.settle();
    const socket = harness.server.memory.sockets.find((s) => s.state === 'open')!;
    socket.receive({ type: 'message:new', payload: message({ id: '__proto__', text: 'bad' }) });
    socket.receive({ type: 'message:new', payload: message() });
    await harness.settle();
    // Before the fix the whole batch was lost, with a console.error and no report.
    expect(texts(harness)).toEqual(['before', 'fine']);
    expect(reported(harness)).toBe(1);
    expect(selectRecentProtocolErrors(harness.store.getState())[0]!.reason).toMatch(
      /^the store could not apply a "message:new" frame: /,
    );
    expect(consoleError).not.toHaveBeenCalled();
  });
});

describe('"changes since" answers', () => {
  it('name a malformed deleted entry among the rejected items instead of dropping it silently', () => {
    const entry = { id: 'm1' };
    const checked = checkMessageChanges({
      cursor: '7',
      messages: [],
      deleted: [entry, { id: 'm2', conversation_id: C }, 'm3'],
      has_more: false,
    });
    expect(checked).toEqual({
      data: {
        cursor: '7',
        messages: [],
        deleted: [{ id: 'm2', conversation_id: C }],
        has_more: false,
      },
      rejected: [entry, 'm3'],
    });
  });
});
