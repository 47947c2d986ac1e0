import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import { createWebSocketFactory } from '../../../src/socket/adapters/webSocket';
import { defaultReconnectOptions } from '../../../src/socket/backoff';
import { defaultFrameCodec } from '../../../src/socket/codec';
import type { ServerEvent } from '../../../src/socket/codec';
import { ConversationConnection } from '../../../src/socket/connection';
import { createDefaultEnvironment } from '../../../src/socket/environment';
import type { ChatSocket, SocketHandlers } from '../../../src/socket/transport';
import { conversationSocketUrl } from '../../../src/socket/url';

/**
 * The adapter against a real `ws` server on a free port: the only socket
 * tests with real I/O and real timers.
 */

type Report =
  | { kind: 'open' }
  | { kind: 'message'; data: string }
  | { kind: 'close'; code: number; reason: string }
  | { kind: 'error'; message: string };

/** Records what a socket reports and lets a test wait for the n-th report of a kind. */
function recorder() {
  const reports: Report[] = [];
  const consumed = new Map<Report['kind'], number>();
  const wakeUps: Array<() => void> = [];
  const push = (report: Report) => {
    reports.push(report);
    for (const wakeUp of wakeUps.splice(0)) wakeUp();
  };
  const handlers: SocketHandlers = {
    onOpen: () => push({ kind: 'open' }),
    onMessage: (data) => push({ kind: 'message', data }),
    onClose: (code, reason) => push({ kind: 'close', code, reason }),
    onError: (message) => push({ kind: 'error', message }),
  };
  /** The next report of `kind` not yet returned, waiting for it when needed. */
  async function next<Kind extends Report['kind']>(
    kind: Kind,
  ): Promise<Extract<Report, { kind: Kind }>> {
    const index = consumed.get(kind) ?? 0;
    consumed.set(kind, index + 1);
    for (;;) {
      const match = reports.filter((report) => report.kind === kind)[index];
      if (match) return match as Extract<Report, { kind: Kind }>;
      await new Promise<void>((resolve) => wakeUps.push(resolve));
    }
  }
  return { reports, handlers, next };
}

function text(data: RawData): string {
  return Buffer.isBuffer(data)
    ? data.toString('utf8')
    : Buffer.from(data as ArrayBuffer).toString('utf8');
}

describe('createWebSocketFactory with the ws package', () => {
  let server: WebSocketServer;
  let url: string;
  const serverSockets: WebSocket[] = [];
  const clients: ChatSocket[] = [];

  beforeAll(async () => {
    server = new WebSocketServer({ port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
    server.on('connection', (socket) => serverSockets.push(socket));
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
    for (const socket of serverSockets.splice(0)) socket.terminate();
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const factory = createWebSocketFactory(WebSocket);

  async function connect() {
    const report = recorder();
    const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    const client = factory(url, report.handlers);
    clients.push(client);
    const serverSocket = await accepted;
    await report.next('open');
    return { client, serverSocket, report };
  }

  it('opens and carries text frames both ways', async () => {
    const { client, serverSocket, report } = await connect();
    const received = new Promise<string>((resolve) =>
      serverSocket.once('message', (data) => resolve(text(data))),
    );

    client.send('{"type":"ping"}');
    expect(await received).toBe('{"type":"ping"}');

    serverSocket.send('{"type":"pong"}');
    expect(await report.next('message')).toEqual({ kind: 'message', data: '{"type":"pong"}' });
  });

  it('decodes a binary frame as UTF-8 text', async () => {
    const { serverSocket, report } = await connect();
    serverSocket.send(Buffer.from('{"type":"message:new","text":"Привет"}', 'utf8'), {
      binary: true,
    });

    expect(await report.next('message')).toEqual({
      kind: 'message',
      data: '{"type":"message:new","text":"Привет"}',
    });
  });

  it('reports the close code and reason the server sends, once', async () => {
    const { serverSocket, report } = await connect();
    serverSocket.close(4403, 'Not a participant');

    expect(await report.next('close')).toEqual({
      kind: 'close',
      code: 4403,
      reason: 'Not a participant',
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(report.reports.filter((r) => r.kind === 'close')).toHaveLength(1);
  });

  it("sends the client's close code and reason to the server", async () => {
    const { client, serverSocket, report } = await connect();
    const closed = new Promise<[number, string]>((resolve) =>
      serverSocket.once('close', (code, reason) => resolve([code, reason.toString()])),
    );

    client.close(4000, 'heartbeat timeout');
    expect(await closed).toEqual([4000, 'heartbeat timeout']);
    expect(await report.next('close')).toEqual({
      kind: 'close',
      code: 4000,
      reason: 'heartbeat timeout',
    });
  });

  it('still closes when the client refuses the code', async () => {
    const { client, serverSocket, report } = await connect();
    const closed = new Promise<number>((resolve) =>
      serverSocket.once('close', (code) => resolve(code)),
    );

    // 1006 may never be sent on the wire; ws throws, the adapter closes without a code.
    client.close(1006, 'abnormal');
    expect(await closed).toBe(1005);
    await report.next('close');
  });

  it('reports a refused connection as an error, then one close', async () => {
    const spare = new WebSocketServer({ port: 0 });
    await new Promise<void>((resolve) => spare.once('listening', () => resolve()));
    const port = (spare.address() as AddressInfo).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    const report = recorder();

    factory(`ws://127.0.0.1:${port}/ws`, report.handlers);
    const closed = await report.next('close');

    expect(closed.code).toBe(1006);
    expect(report.reports.map((r) => r.kind)).toEqual(['error', 'close']);
    expect(report.reports[0]).toEqual({
      kind: 'error',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('reports nothing after a close, even when closed again', async () => {
    const { client, serverSocket, report } = await connect();
    serverSocket.close(1001, 'restart');
    await report.next('close');
    client.close(1000);
    client.close(1000);
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(report.reports.map((r) => r.kind)).toEqual(['open', 'close']);
  });
});

describe('ConversationConnection over the ws adapter', () => {
  it('receives frames, and comes back after the server closes with 1001 as on a restart', async () => {
    const server = new WebSocketServer({ port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    const urls: string[] = [];
    const connections: WebSocket[] = [];
    server.on('connection', (socket, request) => {
      urls.push(request.url ?? '');
      connections.push(socket);
      socket.send(
        JSON.stringify({ type: 'conversation:deleted', payload: { id: `n${connections.length}` } }),
      );
    });

    const events: ServerEvent[] = [];
    const opens: boolean[] = [];
    let wakeUp = () => {};
    const changed = () => new Promise<void>((resolve) => (wakeUp = resolve));
    const connection = new ConversationConnection({
      conversationId: 'c 1',
      url: (token) => conversationSocketUrl(`http://127.0.0.1:${port}`, 'c 1', token),
      getToken: () => 'jwt',
      refreshToken: async () => true,
      factory: createWebSocketFactory(WebSocket),
      codec: defaultFrameCodec,
      // No jitter wait, so the test does not sleep.
      environment: createDefaultEnvironment({ random: () => 0 }),
      ...defaultReconnectOptions,
      heartbeat: false,
      onStatus: () => wakeUp(),
      onEvents: (batch) => {
        events.push(...batch);
        wakeUp();
      },
      onProtocolError: () => {},
      onOpen: ({ reconnected }) => opens.push(reconnected),
    });

    try {
      connection.connect();
      while (events.length < 1) await changed();
      connections[0]!.close(1001, 'server restart');
      while (events.length < 2) await changed();

      expect(opens).toEqual([false, true]);
      expect(events).toEqual([
        { type: 'conversation:deleted', payload: { id: 'n1' } },
        { type: 'conversation:deleted', payload: { id: 'n2' } },
      ]);
      expect(urls[0]).toBe('/api/unet-chat/ws/conversations/c%201/?WWW-Authenticate=Bearer%20jwt');
    } finally {
      connection.close();
      for (const socket of connections) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

/** A scripted WHATWG-like socket, for what a real server cannot be made to do. */
class ScriptedWebSocket extends EventTarget {
  static last: ScriptedWebSocket | null = null;
  binaryType = 'blob';
  readonly sent: string[] = [];
  constructor(readonly url: string) {
    super();
    ScriptedWebSocket.last = this;
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {}
  emit(type: string, fields: Record<string, unknown> = {}) {
    this.dispatchEvent(Object.assign(new Event(type), fields));
  }
}

describe('createWebSocketFactory with any WHATWG-like client', () => {
  function open() {
    const report = recorder();
    createWebSocketFactory(ScriptedWebSocket)('ws://chat.example/ws', report.handlers);
    const socket = ScriptedWebSocket.last!;
    socket.emit('open');
    return { socket, report };
  }

  it('asks for binary frames as ArrayBuffers', () => {
    expect(open().socket.binaryType).toBe('arraybuffer');
  });

  it('decodes ArrayBuffers, typed arrays and fragment lists, even a character split across fragments', () => {
    const { socket, report } = open();
    const bytes = new TextEncoder().encode('Привет');
    socket.emit('message', { data: bytes.buffer });
    socket.emit('message', { data: bytes });
    socket.emit('message', { data: [bytes.slice(0, 3), bytes.slice(3)] });

    expect(report.reports.slice(1)).toEqual([
      { kind: 'message', data: 'Привет' },
      { kind: 'message', data: 'Привет' },
      { kind: 'message', data: 'Привет' },
    ]);
  });

  it('passes data it cannot read synchronously on as text, for the codec to reject', () => {
    const { socket, report } = open();
    socket.emit('message', { data: new Blob(['{}']) });
    expect(report.reports[1]).toEqual({ kind: 'message', data: '[object Blob]' });
  });

  it('gives a generic message for an error event without detail, as browsers send', () => {
    const { socket, report } = open();
    socket.emit('error');
    expect(report.reports[1]).toEqual({ kind: 'error', message: 'WebSocket error' });
  });

  it('reports one close, and nothing after it, whatever the client emits', () => {
    const { socket, report } = open();
    socket.emit('close', { code: 1006, reason: '' });
    socket.emit('close', { code: 1000, reason: 'again' });
    socket.emit('message', { data: 'late' });
    socket.emit('error');

    expect(report.reports).toEqual([{ kind: 'open' }, { kind: 'close', code: 1006, reason: '' }]);
  });

  it('reads a close event without a code as 1005', () => {
    const { socket, report } = open();
    socket.emit('close');
    expect(report.reports[1]).toEqual({ kind: 'close', code: 1005, reason: '' });
  });
});

describe('createWebSocketFactory without a constructor', () => {
  const globals = globalThis as { WebSocket?: unknown };
  const original = globals.WebSocket;
  afterEach(() => {
    if (original === undefined) delete globals.WebSocket;
    else globals.WebSocket = original;
  });

  it('can be created without any WebSocket, and throws a clear error only when opening', () => {
    delete globals.WebSocket;
    const factory = createWebSocketFactory();
    expect(() => factory('ws://127.0.0.1:1/ws', recorder().handlers)).toThrow(
      /no global WebSocket.*createWebSocketFactory\(WebSocket\)/s,
    );
  });

  it('uses the global WebSocket present when a socket opens', () => {
    const opened: string[] = [];
    class FakeWebSocket {
      binaryType = 'blob';
      constructor(url: string) {
        opened.push(url);
      }
      addEventListener() {}
      send() {}
      close() {}
    }
    delete globals.WebSocket;
    const factory = createWebSocketFactory();
    globals.WebSocket = FakeWebSocket;

    factory('ws://chat.example/ws', recorder().handlers);
    expect(opened).toEqual(['ws://chat.example/ws']);
  });
});
