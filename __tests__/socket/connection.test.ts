import fc from 'fast-check';
import type { Message } from '../../src/api/types';
import { createMemoryTransport } from '../../src/socket/adapters/memory';
import type { MemorySocket } from '../../src/socket/adapters/memory';
import { defaultReconnectOptions } from '../../src/socket/backoff';
import { defaultFrameCodec } from '../../src/socket/codec';
import type { ServerEvent } from '../../src/socket/codec';
import {
  COALESCE_MIN_FRAMES,
  ConversationConnection,
  MAX_COALESCE_MS,
} from '../../src/socket/connection';
import type { ConnectionOptions, ConnectionUpdate } from '../../src/socket/connection';
import { createManualEnvironment } from '../../src/socket/environment';
import type { ChatEnvironment, ManualEnvironment } from '../../src/socket/environment';
import { conversationSocketUrl } from '../../src/socket/url';

const message = (id: string): Message => ({
  id,
  conversation_id: 'c1',
  sender_id: 7,
  text: `text ${id}`,
  reply_to: null,
  is_edited: false,
  created_at: '2024-01-01T12:00:00.000Z',
});

/** Lets promise callbacks (the token refresh) run; no timer involved. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** Counts live environment subscriptions, to prove close() leaves none. */
function countingSubscriptions(environment: ManualEnvironment) {
  let active = 0;
  const wrap =
    <Value>(subscribe: (listener: (value: Value) => void) => () => void) =>
    (listener: (value: Value) => void) => {
      const unsubscribe = subscribe(listener);
      active++;
      return () => {
        active--;
        unsubscribe();
      };
    };
  environment.subscribeOnline = wrap(environment.subscribeOnline);
  environment.subscribeVisibility = wrap(environment.subscribeVisibility);
  return { active: () => active };
}

function setup(overrides: Partial<ConnectionOptions> = {}) {
  const transport = createMemoryTransport();
  // Equal jitter with random() = 0 waits exactly half of each cap: 500, 1000, 2000 ms …
  const environment = createManualEnvironment({ random: () => 0 });
  const subscriptions = countingSubscriptions(environment);
  const auth = { token: 'token-1' as string | null };
  const updates: ConnectionUpdate[] = [];
  const batches: ServerEvent[][] = [];
  const protocolErrors: Array<{ reason: string; raw: string }> = [];
  const opens: Array<{ reconnected: boolean }> = [];
  const refreshToken = jest.fn(async () => {
    auth.token = 'token-2';
    return true;
  });
  const connection = new ConversationConnection({
    conversationId: 'c1',
    url: (token) => conversationSocketUrl('https://chat.example', 'c1', token),
    getToken: () => auth.token,
    refreshToken,
    factory: transport.factory,
    codec: defaultFrameCodec,
    environment,
    ...defaultReconnectOptions,
    // These tests are about the fast phase; the slow phase and the connect timeout have their own.
    slowRetryMs: 0,
    connectTimeoutMs: 3_600_000,
    heartbeat: false,
    onStatus: (update) => updates.push(update),
    onEvents: (events) => batches.push(events),
    onProtocolError: (error) => protocolErrors.push(error),
    onOpen: (info) => opens.push(info),
    ...overrides,
  });

  const socket = (): MemorySocket => {
    const last = transport.last();
    if (!last) throw new Error('no socket was opened');
    return last;
  };
  /** The updates since the last call. */
  let seen = 0;
  const newUpdates = (): ConnectionUpdate[] => {
    const fresh = updates.slice(seen);
    seen = updates.length;
    return fresh;
  };
  const lastUpdate = () => updates[updates.length - 1];

  return {
    connection,
    transport,
    environment,
    subscriptions,
    auth,
    updates,
    newUpdates,
    lastUpdate,
    batches,
    protocolErrors,
    opens,
    refreshToken,
    socket,
  };
}

/** Connects and opens the first socket. */
function opened(overrides: Partial<ConnectionOptions> = {}) {
  const harness = setup(overrides);
  harness.connection.connect();
  harness.socket().open();
  harness.newUpdates();
  return harness;
}

describe('ConversationConnection', () => {
  describe('opening', () => {
    it('opens the seed URL with the current token and reports connecting, then open', () => {
      const { connection, socket, newUpdates, opens } = setup();
      connection.connect();

      expect(socket().url).toBe(
        'wss://chat.example/api/unet-chat/ws/conversations/c1/?WWW-Authenticate=Bearer%20token-1',
      );
      expect(connection.isOpen).toBe(false);
      socket().open();

      expect(newUpdates()).toEqual([{ status: 'connecting', attempt: 0 }, { status: 'open' }]);
      expect(connection.isOpen).toBe(true);
      expect(connection.status).toBe('open');
      expect(opens).toEqual([{ reconnected: false }]);
    });

    it('opens one socket however often connect() is called', () => {
      const { connection, transport } = setup();
      connection.connect();
      connection.connect();
      expect(transport.sockets).toHaveLength(1);
    });

    it('reports every open after the first as a reconnect, so the caller catches up', () => {
      const { socket, environment, opens } = opened();
      socket().serverClose(1006);
      environment.advance(500);
      socket().open();

      expect(opens).toEqual([{ reconnected: false }, { reconnected: true }]);
    });
  });

  describe('reconnecting with backoff', () => {
    it('waits an exponential delay (equal jitter) before each of 5 attempts, then fails', () => {
      const { connection, transport, socket, environment, newUpdates } = opened();
      socket().serverClose(1006, '');

      for (const [attempt, delay] of [
        [1, 500],
        [2, 1000],
        [3, 2000],
        [4, 4000],
        [5, 8000],
      ] as const) {
        expect(newUpdates()).toEqual([
          expect.objectContaining({ status: 'reconnecting', attempt, nextDelayMs: delay }),
        ]);
        const socketsBefore = transport.sockets.length;
        environment.advance(delay - 1);
        expect(transport.sockets).toHaveLength(socketsBefore);
        environment.advance(1);
        expect(transport.sockets).toHaveLength(socketsBefore + 1);
        expect(newUpdates()).toEqual([{ status: 'connecting', attempt }]);
        socket().fail('connection refused');
      }

      expect(newUpdates()).toEqual([
        {
          status: 'failed',
          code: null,
          reason: 'connection refused',
          retryable: true,
          nextDelayMs: null,
        },
      ]);
      expect(connection.status).toBe('failed');
      expect(environment.pendingTimers()).toBe(0);
      environment.advance(60 * 60 * 1000);
      expect(transport.sockets).toHaveLength(6);
    });

    it('uses the configured limits and the random source of the environment', () => {
      const { socket, environment, newUpdates } = opened({ maxAttempts: 2, baseDelayMs: 100 });
      environment.setRandom(() => 0.25);
      socket().serverClose(1006);
      expect(newUpdates()).toEqual([
        {
          status: 'reconnecting',
          attempt: 1,
          // Equal jitter: half of the 100 ms cap, plus a quarter of the other half.
          nextDelayMs: 62,
          code: 1006,
          reason: 'the connection closed with code 1006',
        },
      ]);
      environment.advance(62);
      socket().serverClose(1006);
      environment.advance(125);
      socket().serverClose(1006);
      expect(newUpdates().map((update) => update.status)).toEqual([
        'connecting',
        'reconnecting',
        'connecting',
        'failed',
      ]);
    });

    it('counts an error before the open as a failed attempt', () => {
      const { connection, socket, newUpdates } = setup();
      connection.connect();
      socket().fail('ECONNREFUSED');

      expect(newUpdates()).toEqual([
        { status: 'connecting', attempt: 0 },
        {
          status: 'reconnecting',
          attempt: 1,
          nextDelayMs: 500,
          code: null,
          reason: 'ECONNREFUSED',
        },
      ]);
    });

    it('starts counting attempts again after a successful open', () => {
      const { socket, environment, newUpdates } = opened();
      socket().serverClose(1006);
      environment.advance(500);
      socket().fail('down');
      environment.advance(1000);
      socket().fail('down');
      environment.advance(2000);
      socket().open();
      newUpdates();

      socket().serverClose(1001, 'going away');
      expect(newUpdates()).toEqual([
        { status: 'reconnecting', attempt: 1, nextDelayMs: 500, code: 1001, reason: 'going away' },
      ]);
    });
  });

  describe('close codes', () => {
    it.each([1000, 1001, 1006, 1011, 4000, 4500])(
      'reconnects with backoff after the server closes with %i',
      (code) => {
        const { socket, transport, environment, lastUpdate } = opened();
        socket().serverClose(code, 'bye');

        expect(lastUpdate()).toEqual({
          status: 'reconnecting',
          attempt: 1,
          nextDelayMs: 500,
          code,
          reason: 'bye',
        });
        environment.advance(500);
        expect(transport.sockets).toHaveLength(2);
      },
    );

    it.each([
      [4403, 'not a participant of this conversation'],
      [4404, 'no such conversation'],
    ])('stops without a retry after %i', (code, reason) => {
      const { socket, transport, environment, lastUpdate, connection } = opened();
      socket().serverClose(code);

      expect(lastUpdate()).toEqual({
        status: 'failed',
        code,
        reason,
        retryable: false,
        nextDelayMs: null,
      });
      expect(environment.pendingTimers()).toBe(0);
      environment.setVisible(false);
      environment.setVisible(true);
      environment.setOnline(false);
      environment.setOnline(true);
      environment.advance(60_000);
      expect(transport.sockets).toHaveLength(1);
      expect(connection.status).toBe('failed');
    });

    it("keeps the server's reason of a refusal", () => {
      const { socket, lastUpdate } = opened();
      socket().serverClose(4403, 'Not a participant');
      expect(lastUpdate()).toEqual(expect.objectContaining({ reason: 'Not a participant' }));
    });

    it('refreshes the token once after 4401 and reconnects at once with the new one', async () => {
      const { socket, transport, refreshToken, environment, newUpdates, opens } = opened();
      socket().serverClose(4401, 'token expired');

      expect(newUpdates()).toEqual([
        { status: 'reconnecting', attempt: 1, nextDelayMs: 0, code: 4401, reason: 'token expired' },
      ]);
      expect(refreshToken).toHaveBeenCalledTimes(1);
      await settle();

      // Only the new attempt's connect timeout is left.
      expect(environment.pendingTimers()).toBe(1);
      expect(transport.sockets).toHaveLength(2);
      expect(socket().url).toContain('WWW-Authenticate=Bearer%20token-2');
      socket().open();
      expect(newUpdates()).toEqual([{ status: 'connecting', attempt: 1 }, { status: 'open' }]);
      expect(opens).toEqual([{ reconnected: false }, { reconnected: true }]);
    });

    it('refreshes again for a token that expires after a successful reopen', async () => {
      const { socket, refreshToken } = opened();
      socket().serverClose(4401);
      await settle();
      socket().open();
      socket().serverClose(4401);
      await settle();

      expect(refreshToken).toHaveBeenCalledTimes(2);
    });

    it('fails for good when the refreshed token is refused with 4401 again', async () => {
      const { socket, transport, refreshToken, lastUpdate, environment } = opened();
      socket().serverClose(4401);
      await settle();
      socket().serverClose(4401);
      await settle();

      expect(refreshToken).toHaveBeenCalledTimes(1);
      expect(lastUpdate()).toEqual({
        status: 'failed',
        code: 4401,
        reason: expect.stringMatching(/^authentication failed/),
        retryable: false,
        nextDelayMs: null,
      });
      expect(transport.sockets).toHaveLength(2);
      expect(environment.pendingTimers()).toBe(0);
    });

    it('fails for good on a second 4401 even after a network fault in between', async () => {
      const { socket, environment, lastUpdate } = opened();
      socket().serverClose(4401);
      await settle();
      socket().fail('reset');
      environment.advance(1000);
      socket().serverClose(4401);
      await settle();

      expect(lastUpdate()).toEqual(
        expect.objectContaining({ status: 'failed', code: 4401, retryable: false }),
      );
    });

    it.each([
      ['resolves false', async () => false],
      ['rejects', async () => Promise.reject(new Error('refresh endpoint down'))],
      [
        'throws',
        () => {
          throw new Error('no refresh token');
        },
      ],
    ])('fails for good when the refresh %s', async (_case, refreshToken) => {
      const { socket, transport, lastUpdate } = opened({ refreshToken });
      socket().serverClose(4401);
      await settle();

      expect(lastUpdate()).toEqual({
        status: 'failed',
        code: 4401,
        reason: expect.stringMatching(/^authentication failed/),
        retryable: false,
        nextDelayMs: null,
      });
      expect(transport.sockets).toHaveLength(1);
    });

    it('never reconnects after its own close', () => {
      const { connection, socket, transport, environment, lastUpdate } = opened();
      connection.close();

      expect(socket().closedByClient).toEqual({ code: 1000, reason: '' });
      expect(lastUpdate()).toEqual({ status: 'closed' });
      // A client reporting the close it was asked for must not start a reconnect.
      socket().serverClose(1000);
      environment.advance(60_000);
      expect(transport.sockets).toHaveLength(1);
      expect(connection.status).toBe('closed');
    });
  });

  describe('frames', () => {
    it('delivers every frame of one macrotask in one batch, in order', () => {
      const { socket, batches, environment } = opened();
      for (let i = 0; i < 1000; i++)
        socket().receive({ type: 'message:new', payload: message(`m${i}`) });
      expect(batches).toHaveLength(0);

      environment.advance(0);
      expect(batches).toHaveLength(1);
      expect(batches[0]).toHaveLength(1000);
      expect(
        batches[0]!.map((event) => (event.type === 'message:new' ? event.payload.id : event.type)),
      ).toEqual(Array.from({ length: 1000 }, (_, i) => `m${i}`));
    });

    it('starts a new batch for frames of a later macrotask', () => {
      const { socket, batches, environment } = opened();
      socket().receive({ type: 'message:new', payload: message('a') });
      environment.advance(0);
      socket().receive({ type: 'message:deleted', payload: { id: 'a', conversation_id: 'c1' } });
      environment.advance(0);

      expect(batches).toEqual([
        [{ type: 'message:new', payload: message('a') }],
        [{ type: 'message:deleted', payload: { id: 'a', conversation_id: 'c1' } }],
      ]);
    });

    describe('while later socket reads keep bringing frames (a burst)', () => {
      /**
       * An event loop run by hand, one turn at a time: `turn()` runs the
       * timers due by then that were set before it began (a timer set during
       * a turn waits for the next one), and moves the clock by `stepMs`, as
       * a socket read between two timer phases would.
       */
      function steppedLoop(stepMs: number) {
        let now = 0;
        let queue: Array<{ fn: () => void; handle: object }> = [];
        const environment: ChatEnvironment = {
          ...createManualEnvironment(),
          now: () => now,
          setTimeout: (fn) => {
            const handle = {};
            queue.push({ fn, handle });
            return handle;
          },
          clearTimeout: (handle) => {
            queue = queue.filter((timer) => timer.handle !== handle);
          },
        };
        const turn = () => {
          const due = queue;
          queue = [];
          for (const timer of due) timer.fn();
          now += stepMs;
        };
        return { environment, turn, pending: () => queue.length };
      }

      /** The task that received a frame is over: its microtasks ran. */
      const endOfTask = () => Promise.resolve();

      /** One socket read of `count` frames; returns their ids. */
      const read = (socket: () => MemorySocket, prefix: string, count: number): string[] => {
        const ids = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
        for (const id of ids) socket().receive({ type: 'message:new', payload: message(id) });
        return ids;
      };
      const idsOf = (batch: ServerEvent[]) =>
        batch.map((event) => (event.type === 'message:new' ? event.payload.id : event.type));

      it('waits one more turn per later read and delivers the burst in one batch, in order', async () => {
        const loop = steppedLoop(1);
        const { socket, batches } = opened({ environment: loop.environment });
        const half = Math.ceil(COALESCE_MIN_FRAMES / 2);
        const sent = read(socket, 'a', half);
        await endOfTask();
        sent.push(...read(socket, 'b', half));
        await endOfTask();
        loop.turn();
        // Frames came after the read that armed the flush: the burst is still arriving.
        expect(batches).toHaveLength(0);
        sent.push(...read(socket, 'c', half));
        loop.turn();
        expect(batches.map(idsOf)).toEqual([sent]);
        expect(loop.pending()).toBe(0);
      });

      it('holds a burst-sized read one turn for the reads that follow it', async () => {
        const loop = steppedLoop(1);
        const { socket, batches } = opened({ environment: loop.environment });
        // A browser's second read of a burst often brings a score of frames, then the rest.
        const sent = read(socket, 'a', COALESCE_MIN_FRAMES);
        await endOfTask();
        loop.turn();
        expect(batches).toHaveLength(0);
        sent.push(...read(socket, 'b', 5 * COALESCE_MIN_FRAMES));
        await endOfTask();
        loop.turn();
        loop.turn();
        expect(batches.map(idsOf)).toEqual([sent]);
        // And a burst-sized read that nothing follows goes out on the next turn.
        const alone = read(socket, 'c', COALESCE_MIN_FRAMES);
        await endOfTask();
        loop.turn();
        loop.turn();
        expect(batches.map(idsOf)).toEqual([sent, alone]);
        expect(loop.pending()).toBe(0);
      });

      it('never holds live traffic back: a few frames a read go out on the first turn', async () => {
        const loop = steppedLoop(1);
        const { socket, batches } = opened({ environment: loop.environment });
        const first = read(socket, 'a', 1);
        await endOfTask();
        const second = read(socket, 'b', 2);
        loop.turn();
        expect(batches.map(idsOf)).toEqual([[...first, ...second]]);
        read(socket, 'c', 1);
        loop.turn();
        expect(batches.map(idsOf)).toEqual([[...first, ...second], ['c0']]);
      });

      it(`delivers what it holds once the burst has waited ${MAX_COALESCE_MS} ms, however long it goes on`, async () => {
        const loop = steppedLoop(4);
        const { socket, batches } = opened({ environment: loop.environment });
        const sent: string[] = [];
        for (let reads = 0; reads < 40; reads++) {
          sent.push(...read(socket, `r${reads}-`, COALESCE_MIN_FRAMES));
          await endOfTask();
          loop.turn();
        }
        loop.turn();
        loop.turn();
        // Every frame delivered, once, in order, and no batch waited past the cap (4 ms turns).
        expect(batches.flatMap(idsOf)).toEqual(sent);
        expect(batches.length).toBeGreaterThan(1);
        for (const batch of batches)
          expect(batch.length).toBeLessThanOrEqual((MAX_COALESCE_MS / 4 + 1) * COALESCE_MIN_FRAMES);
      });

      it('delivers every frame once, in order, and no frame waits past the hold, whatever the reads and turns', async () => {
        type Step = { read: number } | { turn: number } | { burst: number };
        const step = fc.oneof(
          // A long burst: a burst-sized read every 4 ms turn.
          { weight: 1, arbitrary: fc.record({ burst: fc.integer({ min: 1, max: 400 }) }) },
          {
            weight: 3,
            arbitrary: fc.record({ read: fc.integer({ min: 1, max: 3 * COALESCE_MIN_FRAMES }) }),
          },
          { weight: 3, arbitrary: fc.record({ turn: fc.integer({ min: 0, max: 12 }) }) },
          { weight: 1, arbitrary: fc.record({ turn: fc.constant(MAX_COALESCE_MS + 20) }) },
        );
        await fc.assert(
          fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps: Step[]) => {
            let now = 0;
            let stepMs = 4;
            const loop = steppedLoop(0);
            const environment: ChatEnvironment = { ...loop.environment, now: () => now };
            const arrivedAt = new Map<string, number>();
            const waits: number[] = [];
            const batches: ServerEvent[][] = [];
            const { socket } = opened({
              environment,
              onEvents: (events) => {
                batches.push(events);
                for (const event of events)
                  if (event.type === 'message:new')
                    waits.push(now - arrivedAt.get(event.payload.id)!);
              },
            });
            const sent: string[] = [];
            const turn = async (ms: number) => {
              loop.turn();
              now += ms;
              await endOfTask();
            };
            for (const [i, next] of steps.entries()) {
              if ('read' in next || 'burst' in next) {
                const reads = 'burst' in next ? next.burst : 1;
                for (let r = 0; r < reads; r++) {
                  const count = 'read' in next ? next.read : COALESCE_MIN_FRAMES;
                  const ids = read(socket, `s${i}-${r}-`, count);
                  for (const id of ids) arrivedAt.set(id, now);
                  sent.push(...ids);
                  await endOfTask();
                  if ('burst' in next) await turn(4);
                }
              } else {
                stepMs = Math.max(stepMs, next.turn);
                await turn(next.turn);
              }
            }
            while (loop.pending() > 0) await turn(4);
            expect(batches.flatMap(idsOf)).toEqual(sent);
            // A turn can be as long as the longest step: the hold is checked once a turn.
            for (const wait of waits) expect(wait).toBeLessThanOrEqual(MAX_COALESCE_MS + stepMs);
          }),
          { numRuns: 50 },
        );
      });

      it('leaves no timer and delivers nothing after a close in the middle of a burst', async () => {
        const loop = steppedLoop(1);
        const { connection, socket, batches } = opened({ environment: loop.environment });
        read(socket, 'a', COALESCE_MIN_FRAMES);
        await endOfTask();
        read(socket, 'b', COALESCE_MIN_FRAMES);
        loop.turn();
        expect(batches).toEqual([]);
        connection.close();
        loop.turn();
        expect(batches).toEqual([]);
        expect(loop.pending()).toBe(0);
      });
    });

    it('delivers the frames that arrived before a close ahead of the reconnecting status', () => {
      const order: string[] = [];
      const { socket } = opened({
        onEvents: () => order.push('events'),
        onStatus: (update) => order.push(update.status),
      });
      order.length = 0;
      socket().receive({ type: 'message:new', payload: message('a') });
      socket().serverClose(1006);

      expect(order).toEqual(['events', 'reconnecting']);
    });

    it('reports and drops frames it cannot decode, and stays open', () => {
      const { connection, socket, protocolErrors, batches, environment } = opened();
      socket().receive('not json at all');
      socket().receive({ type: 'reaction:added', payload: { user_id: 1 } });
      socket().receive({ type: 'message:new', payload: { id: 'm1' } });
      socket().receive({ type: 'message:new', payload: message('ok') });
      environment.advance(0);

      expect(protocolErrors).toEqual([
        { reason: 'frame is not JSON', raw: 'not json at all' },
        {
          reason: 'unknown frame type "reaction:added"',
          raw: '{"type":"reaction:added","payload":{"user_id":1}}',
        },
        {
          reason: 'payload of "message:new" "conversation_id" must be a string',
          raw: '{"type":"message:new","payload":{"id":"m1"}}',
        },
      ]);
      expect(batches).toEqual([[{ type: 'message:new', payload: message('ok') }]]);
      expect(connection.isOpen).toBe(true);
      expect(connection.send({ type: 'ping' })).toBe(true);
    });

    it('reports a codec that throws as a protocol error', () => {
      const { socket, protocolErrors, connection } = opened({
        codec: {
          decode: () => {
            throw new Error('boom');
          },
          encode: JSON.stringify,
        },
      });
      socket().receive('{}');

      expect(protocolErrors).toEqual([{ reason: 'the codec threw: boom', raw: '{}' }]);
      expect(connection.isOpen).toBe(true);
    });

    it('does not forward pong frames', () => {
      const { socket, batches, environment } = opened();
      socket().receive({ type: 'pong' });
      environment.advance(0);
      expect(batches).toEqual([]);
      expect(environment.pendingTimers()).toBe(0);
    });

    it('ignores everything a replaced socket still reports', () => {
      const { socket, transport, environment, batches, newUpdates, connection } = opened({
        heartbeat: { intervalMs: 1000, timeoutMs: 1000 },
      });
      environment.advance(2000);
      const stale = transport.sockets[0]!;
      expect(stale.closedByClient).toEqual({ code: 4000, reason: 'heartbeat timeout' });
      newUpdates();

      stale.open();
      stale.receive({ type: 'message:new', payload: message('late') });
      stale.fail('late error');
      stale.serverClose(4403);
      environment.advance(0);

      expect(batches).toEqual([]);
      expect(newUpdates()).toEqual([]);
      expect(connection.status).toBe('reconnecting');
      environment.advance(500);
      expect(socket()).not.toBe(stale);
    });
  });

  describe('sending', () => {
    it('sends encoded frames while open', () => {
      const { connection, socket } = opened();
      const frame = {
        type: 'message:send',
        payload: { text: 'Привет!', reply_to: null, client_id: 'k1' },
      } as const;

      expect(connection.send(frame)).toBe(true);
      expect(socket().sentFrames()).toEqual([frame]);
    });

    it('refuses to send unless open', () => {
      const { connection, socket } = setup();
      expect(connection.send({ type: 'ping' })).toBe(false);
      connection.connect();
      expect(connection.send({ type: 'ping' })).toBe(false);
      socket().open();
      socket().serverClose(1006);
      expect(connection.send({ type: 'ping' })).toBe(false);
    });

    it('treats a socket whose send throws as a fault', () => {
      const transport = createMemoryTransport();
      const { connection, lastUpdate } = setup({
        factory: (url, handlers) => {
          const socket = transport.factory(url, handlers);
          socket.send = () => {
            throw new Error('socket is gone');
          };
          return socket;
        },
      });
      connection.connect();
      transport.last()!.open();

      expect(connection.send({ type: 'ping' })).toBe(false);
      expect(lastUpdate()).toEqual(
        expect.objectContaining({ status: 'reconnecting', reason: 'send failed: socket is gone' }),
      );
      expect(transport.last()!.closedByClient).not.toBeNull();
    });
  });

  describe('environment signals', () => {
    it('waits while offline without spending attempts, and reconnects at once when online', () => {
      const { socket, transport, environment, newUpdates } = opened();
      environment.setOnline(false);
      socket().serverClose(1006);

      expect(newUpdates()).toEqual([
        {
          status: 'reconnecting',
          attempt: 1,
          nextDelayMs: 0,
          code: 1006,
          reason: 'the connection closed with code 1006',
          offline: true,
        },
      ]);
      expect(environment.pendingTimers()).toBe(0);
      environment.advance(10 * 60 * 1000);
      expect(transport.sockets).toHaveLength(1);

      environment.setOnline(true);
      expect(transport.sockets).toHaveLength(2);
      expect(newUpdates()).toEqual([{ status: 'connecting', attempt: 1 }]);
    });

    it('puts a pending retry on hold when the network goes away', () => {
      const { socket, transport, environment, newUpdates } = opened();
      socket().serverClose(1006);
      environment.advance(500);
      socket().fail('down');
      newUpdates();

      environment.setOnline(false);
      expect(newUpdates()).toEqual([expect.objectContaining({ attempt: 2, offline: true })]);
      environment.advance(60_000);
      expect(transport.sockets).toHaveLength(2);

      environment.setOnline(true);
      expect(transport.sockets).toHaveLength(3);
      expect(newUpdates()).toEqual([{ status: 'connecting', attempt: 2 }]);
    });

    it('retries at once when the page becomes visible', () => {
      const { socket, transport, environment, newUpdates } = opened();
      socket().serverClose(1006);
      environment.advance(100);
      environment.setVisible(false);
      expect(transport.sockets).toHaveLength(1);

      environment.setVisible(true);
      expect(transport.sockets).toHaveLength(2);
      expect(newUpdates().at(-1)).toEqual({ status: 'connecting', attempt: 1 });
      // Only the new attempt's connect timeout is left.
      expect(environment.pendingTimers()).toBe(1);
    });

    it('does not retry on visibility while offline', () => {
      const { socket, transport, environment } = opened();
      environment.setOnline(false);
      socket().serverClose(1006);
      environment.setVisible(false);
      environment.setVisible(true);
      expect(transport.sockets).toHaveLength(1);
    });

    it('starts over from a retryable failure when the network returns or the page is shown', () => {
      const { socket, transport, environment, lastUpdate, newUpdates } = opened({ maxAttempts: 0 });
      socket().serverClose(1006);
      expect(lastUpdate()).toEqual(expect.objectContaining({ status: 'failed', retryable: true }));

      environment.setOnline(false);
      environment.setOnline(true);
      expect(transport.sockets).toHaveLength(2);
      socket().fail('still down');
      environment.setVisible(false);
      environment.setVisible(true);
      expect(transport.sockets).toHaveLength(3);
      expect(newUpdates().filter((update) => update.status === 'connecting')).toEqual([
        { status: 'connecting', attempt: 0 },
        { status: 'connecting', attempt: 0 },
      ]);
    });

    it('leaves an open socket alone when the page becomes visible', () => {
      const { transport, environment } = opened();
      environment.setVisible(false);
      environment.setVisible(true);
      environment.setOnline(false);
      environment.setOnline(true);
      expect(transport.sockets).toHaveLength(1);
    });
  });

  describe('heartbeat', () => {
    const heartbeat = { intervalMs: 10_000, timeoutMs: 5000 };

    it('sends no ping when the heartbeat is off', () => {
      const { socket, environment } = opened();
      environment.advance(60_000);
      expect(socket().sent).toEqual([]);
      expect(environment.pendingTimers()).toBe(0);
    });

    it('pings every interval while the server answers', () => {
      const { socket, environment, connection } = opened({ heartbeat });
      for (let i = 0; i < 3; i++) {
        environment.advance(10_000);
        socket().receive({ type: 'pong' });
      }
      expect(socket().sentFrames()).toEqual([{ type: 'ping' }, { type: 'ping' }, { type: 'ping' }]);
      expect(connection.isOpen).toBe(true);
    });

    it('counts any frame as an answer', () => {
      const { socket, environment, connection } = opened({ heartbeat });
      environment.advance(10_000);
      socket().receive({ type: 'message:new', payload: message('a') });
      environment.advance(4_999);
      socket().receive('garbage');
      environment.advance(10_000);
      expect(connection.isOpen).toBe(true);
    });

    it('closes a silent socket with 4000 and reconnects', () => {
      const { socket, transport, environment, newUpdates } = opened({ heartbeat });
      environment.advance(10_000);
      environment.advance(4_999);
      expect(transport.sockets[0]!.closedByClient).toBeNull();
      environment.advance(1);

      expect(transport.sockets[0]!.closedByClient).toEqual({
        code: 4000,
        reason: 'heartbeat timeout',
      });
      expect(newUpdates()).toEqual([
        {
          status: 'reconnecting',
          attempt: 1,
          nextDelayMs: 500,
          code: 4000,
          reason: 'heartbeat timeout',
        },
      ]);
      environment.advance(500);
      expect(socket()).not.toBe(transport.sockets[0]);
    });
  });

  describe('manual retry', () => {
    it('starts over from failed with a fresh attempt count', () => {
      const { connection, socket, transport, environment, newUpdates } = opened({ maxAttempts: 1 });
      socket().serverClose(1006);
      environment.advance(500);
      socket().fail('down');
      expect(connection.status).toBe('failed');
      newUpdates();

      connection.reconnectNow();
      expect(transport.sockets).toHaveLength(3);
      socket().fail('down');
      expect(newUpdates()).toEqual([
        { status: 'connecting', attempt: 0 },
        { status: 'reconnecting', attempt: 1, nextDelayMs: 500, code: null, reason: 'down' },
      ]);
    });

    it('also retries after a refusal, e.g. once the user logged in again', async () => {
      const { connection, socket, transport } = opened({ refreshToken: async () => false });
      socket().serverClose(4401);
      await settle();
      connection.reconnectNow();
      expect(transport.sockets).toHaveLength(2);
    });

    it('skips the rest of the wait while reconnecting', () => {
      const { connection, socket, transport, environment } = opened();
      socket().serverClose(1006);
      connection.reconnectNow();
      expect(transport.sockets).toHaveLength(2);
      // The backoff wait is gone; only the new attempt's connect timeout is left.
      expect(environment.pendingTimers()).toBe(1);
    });

    it('does nothing while open or connecting', () => {
      const { connection, transport, socket } = setup();
      connection.reconnectNow();
      expect(transport.sockets).toHaveLength(0);
      connection.connect();
      connection.reconnectNow();
      socket().open();
      connection.reconnectNow();
      expect(transport.sockets).toHaveLength(1);
    });
  });

  describe('close()', () => {
    it('leaves no timer and no environment listener behind', () => {
      const { connection, socket, environment, subscriptions } = opened({
        heartbeat: { intervalMs: 1000, timeoutMs: 500 },
      });
      expect(subscriptions.active()).toBe(2);
      environment.advance(1000);
      socket().receive({ type: 'message:new', payload: message('queued') });
      expect(environment.pendingTimers()).toBeGreaterThan(0);

      connection.close();
      expect(environment.pendingTimers()).toBe(0);
      expect(subscriptions.active()).toBe(0);
    });

    it('drops frames not yet delivered, also for a later connect()', () => {
      const { connection, socket, environment, batches } = opened();
      socket().receive({ type: 'message:new', payload: message('a') });
      connection.close();
      environment.runAll();
      expect(batches).toEqual([]);

      connection.connect();
      socket().open();
      socket().receive({ type: 'message:new', payload: message('b') });
      environment.advance(0);
      expect(batches).toEqual([[{ type: 'message:new', payload: message('b') }]]);
    });

    it('cancels a pending retry', () => {
      const { connection, socket, transport, environment } = opened();
      socket().serverClose(1006);
      connection.close();
      expect(environment.pendingTimers()).toBe(0);
      environment.setOnline(false);
      environment.setOnline(true);
      expect(transport.sockets).toHaveLength(1);
    });

    it('ignores a token refresh that ends after it', async () => {
      let finish: (value: boolean) => void = () => {};
      const refreshToken = () => new Promise<boolean>((resolve) => (finish = resolve));
      const { connection, socket, transport, lastUpdate } = opened({ refreshToken });
      socket().serverClose(4401);
      connection.close();
      finish(true);
      await settle();

      expect(transport.sockets).toHaveLength(1);
      expect(lastUpdate()).toEqual({ status: 'closed' });
    });

    it('does nothing before connect() and after an earlier close()', () => {
      const { connection, updates } = setup();
      connection.close();
      expect(updates).toEqual([]);
      connection.connect();
      connection.close();
      connection.close();
      expect(updates.filter((update) => update.status === 'closed')).toHaveLength(1);
    });

    it('can be connected again, which counts as a reconnect', () => {
      const { connection, socket, transport, opens, subscriptions } = opened();
      connection.close();
      connection.connect();
      socket().open();

      expect(transport.sockets).toHaveLength(2);
      expect(opens).toEqual([{ reconnected: false }, { reconnected: true }]);
      expect(subscriptions.active()).toBe(2);
    });

    it('may be called from a callback while frames are delivered', () => {
      const owner: { connection?: ConversationConnection } = {};
      const harness = opened({ onEvents: () => owner.connection?.close() });
      owner.connection = harness.connection;
      harness.socket().receive({ type: 'message:new', payload: message('a') });
      harness.socket().serverClose(1006);

      expect(harness.connection.status).toBe('closed');
      expect(harness.environment.pendingTimers()).toBe(0);
      expect(harness.transport.sockets).toHaveLength(1);
    });
  });

  describe('never throwing', () => {
    it('treats a factory that throws as a failed attempt', () => {
      const { connection, lastUpdate, environment } = setup({
        factory: () => {
          throw new Error('no WebSocket here');
        },
      });
      expect(() => connection.connect()).not.toThrow();
      expect(lastUpdate()).toEqual(
        expect.objectContaining({
          status: 'reconnecting',
          attempt: 1,
          reason: 'cannot open the socket: no WebSocket here',
        }),
      );
      expect(() => environment.runAll()).not.toThrow();
      expect(lastUpdate()).toEqual(expect.objectContaining({ status: 'failed', retryable: true }));
    });

    it('treats a URL builder that throws as a failed attempt', () => {
      const { connection, lastUpdate } = setup({
        url: () => {
          throw new Error('relative base URL');
        },
      });
      expect(() => connection.connect()).not.toThrow();
      expect(lastUpdate()).toEqual(expect.objectContaining({ status: 'reconnecting' }));
    });

    it('keeps working when a callback throws, and reports the error', () => {
      const onCallbackError = jest.fn();
      const { socket, connection, environment } = opened({
        onEvents: () => {
          throw new Error('reducer bug');
        },
        onCallbackError,
      });
      socket().receive({ type: 'message:new', payload: message('a') });

      expect(() => environment.advance(0)).not.toThrow();
      expect(onCallbackError).toHaveBeenCalledWith(new Error('reducer bug'), 'onEvents');
      expect(connection.isOpen).toBe(true);
    });

    it('logs a throwing callback to the console by default', () => {
      const error = jest.spyOn(console, 'error').mockImplementation(() => {});
      try {
        const { connection } = setup({
          onStatus: () => {
            throw new Error('ui bug');
          },
        });
        expect(() => connection.connect()).not.toThrow();
        expect(error).toHaveBeenCalledWith('unet-chat-redux: onStatus threw', new Error('ui bug'));
      } finally {
        error.mockRestore();
      }
    });
  });

  describe('recovering without a person', () => {
    it('spends the five fast attempts over at least 15 s, whatever the dice say', () => {
      const { connection, socket, environment, transport } = opened({
        slowRetryMs: 30_000,
        connectTimeoutMs: 10_000,
      });
      // random() = 0 is the shortest schedule equal jitter allows.
      const started = environment.now();
      socket().fail('refused');
      while (connection.status !== 'failed') {
        environment.advance(100);
        if (socket().state === 'connecting') socket().fail('refused');
      }
      expect(transport.sockets).toHaveLength(6);
      expect(environment.now() - started).toBeGreaterThanOrEqual(15_000);
    });

    it('keeps trying on a slow timer after the fast phase, and is open again when the server is', () => {
      const { connection, socket, environment, transport, lastUpdate } = opened({
        slowRetryMs: 30_000,
      });
      socket().fail('refused');
      for (let attempt = 1; attempt <= 5; attempt++) {
        environment.advance(16_000);
        socket().fail('refused');
      }
      expect(lastUpdate()).toEqual({
        status: 'failed',
        code: null,
        reason: 'refused',
        retryable: true,
        nextDelayMs: 30_000,
      });
      environment.advance(29_999);
      expect(transport.sockets).toHaveLength(6);
      environment.advance(1);
      expect(transport.sockets).toHaveLength(7);
      socket().fail('still down');
      expect(connection.status).toBe('failed');
      environment.advance(30_000);
      expect(transport.sockets).toHaveLength(8);
      socket().open();
      expect(connection.status).toBe('open');
      // Open again: the fast phase is whole again.
      socket().serverClose(1006);
      expect(lastUpdate()).toEqual(expect.objectContaining({ status: 'reconnecting', attempt: 1 }));
    });

    it('has no slow phase after a refusal (4403), where retrying cannot help', () => {
      const { socket, environment, transport } = opened({ slowRetryMs: 30_000 });
      socket().serverClose(4403);
      environment.advance(10 * 60_000);
      expect(transport.sockets).toHaveLength(1);
      expect(environment.pendingTimers()).toBe(0);
    });

    it('abandons a handshake that does not open in time and tries again', () => {
      const { connection, socket, environment, transport, newUpdates } = opened({
        connectTimeoutMs: 10_000,
      });
      socket().serverClose(1006);
      environment.advance(500);
      expect(transport.sockets).toHaveLength(2);
      newUpdates();
      // A black hole: the new socket neither opens nor fails.
      environment.advance(9_999);
      expect(connection.status).toBe('connecting');
      environment.advance(1);
      expect(newUpdates()).toEqual([
        expect.objectContaining({
          status: 'reconnecting',
          attempt: 2,
          reason: 'the connection did not open in time',
        }),
      ]);
      expect(transport.sockets[1]?.closedByClient).not.toBeNull();
      environment.advance(2000);
      expect(transport.sockets).toHaveLength(3);
    });

    it('stops the slow phase on close, leaving no timer', () => {
      const { connection, socket, environment } = opened({ slowRetryMs: 30_000 });
      socket().serverClose(4401);
      // The refresh resolves, the new token's socket fails five times.
      connection.close();
      expect(environment.pendingTimers()).toBe(0);
    });
  });

  describe('token refresh', () => {
    it('does not refresh again when the token changed since the rejected socket opened', async () => {
      const refreshToken = jest.fn(async () => true);
      const { socket, auth, transport } = opened({ refreshToken });
      // A REST 401 refreshed the token meanwhile; the socket's 4401 still names the old one.
      auth.token = 'token-from-rest-refresh';
      socket().serverClose(4401, 'token expired');
      await settle();
      expect(refreshToken).toHaveBeenCalledWith('token-1');
      expect(transport.sockets).toHaveLength(2);
    });
  });

  describe('restart', () => {
    it('abandons an open socket that seems dead and reconnects with backoff', () => {
      const { connection, transport, environment } = opened();
      connection.restart('no echo');
      expect(transport.sockets[0]?.closedByClient).toEqual({ code: 4000, reason: 'no echo' });
      expect(connection.status).toBe('reconnecting');
      environment.advance(500);
      expect(transport.sockets).toHaveLength(2);
    });
  });

  describe('too many sockets (4409)', () => {
    it('fails without reconnecting on its own, so two tabs do not close each other in turn', () => {
      const { socket, environment, transport, lastUpdate, connection } = opened({
        slowRetryMs: 30_000,
      });
      socket().serverClose(4409, 'too many sockets');
      expect(lastUpdate()).toEqual({
        status: 'failed',
        code: 4409,
        reason: 'too many sockets',
        retryable: true,
        nextDelayMs: null,
      });
      environment.advance(10 * 60_000);
      expect(transport.sockets).toHaveLength(1);
      connection.reconnectNow();
      expect(transport.sockets).toHaveLength(2);
    });
  });
});
