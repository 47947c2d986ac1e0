import type { ChatSocket, SocketFactory, SocketHandlers } from '../transport';

/**
 * Where a {@link MemorySocket} is in its life, like a WebSocket's `readyState`.
 *
 * @example
 * ```ts
 * expect(transport.last()!.state).toBe('closed');
 * ```
 */
export type MemorySocketState = 'connecting' | 'open' | 'closed';

/**
 * One socket of a {@link MemoryTransport}: the test plays the server by
 * calling its methods, and reads what the client did from its fields.
 *
 * The server-side methods do not police the order of events, so a test can
 * reproduce a misbehaving client that reports a message after it was closed
 * (the connection must ignore it). The client side behaves like a browser:
 * `send` throws while connecting and is silently dropped once closed.
 *
 * @example
 * ```ts
 * const socket = transport.last()!;
 * socket.open();
 * socket.receive({ type: 'message:new', payload: message });
 * expect(socket.sentFrames()).toEqual([{ type: 'ping' }]);
 * socket.serverClose(1001, 'going away');
 * ```
 */
export interface MemorySocket extends ChatSocket {
  readonly url: string;
  /** The subprotocols the client offered, if any. */
  readonly protocols: string[] | undefined;
  /** Every frame the client sent, in order. */
  readonly sent: string[];
  readonly state: MemorySocketState;
  /** Set when the client closed the socket: the code and reason the server would see. */
  readonly closedByClient: { code: number; reason: string } | null;
  /** `sent`, each frame parsed as JSON (a frame that is not JSON is returned as its text). */
  sentFrames(): unknown[];
  /** The server accepts the connection. */
  open(): void;
  /** The server sends a frame; anything but a string is JSON-encoded first. */
  receive(frame: unknown): void;
  /** The server (or a proxy) closes the connection with this code. */
  serverClose(code: number, reason?: string): void;
  /** The connection breaks: an error, then a close with 1006, as browsers report it. */
  fail(message: string): void;
}

/**
 * An in-memory {@link SocketFactory} and the sockets it made, for unit tests
 * of this package and of host apps. No network, no timers: every event
 * happens synchronously when the test calls for it.
 *
 * @example
 * ```ts
 * const transport = createMemoryTransport();
 * const connection = new ConversationConnection({ ...options, factory: transport.factory });
 * connection.connect();
 * transport.last()!.open();
 * ```
 */
export interface MemoryTransport {
  factory: SocketFactory;
  /** Every socket opened so far, oldest first. */
  readonly sockets: MemorySocket[];
  /** The newest socket, or `undefined` before the first. */
  last(): MemorySocket | undefined;
}

class InMemorySocket implements MemorySocket {
  readonly sent: string[] = [];
  state: MemorySocketState = 'connecting';
  closedByClient: { code: number; reason: string } | null = null;

  constructor(
    readonly url: string,
    private readonly handlers: SocketHandlers,
    readonly protocols: string[] | undefined,
  ) {}

  send(data: string): void {
    if (this.state === 'connecting') throw new Error('MemorySocket: send() while still connecting');
    if (this.state === 'open') this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    // Without a code the close frame carries none, which the server sees as 1005.
    this.closedByClient = { code: code ?? 1005, reason: reason ?? '' };
  }

  sentFrames(): unknown[] {
    return this.sent.map((data) => {
      try {
        return JSON.parse(data) as unknown;
      } catch {
        return data;
      }
    });
  }

  open(): void {
    this.state = 'open';
    this.handlers.onOpen();
  }

  receive(frame: unknown): void {
    this.handlers.onMessage(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  serverClose(code: number, reason = ''): void {
    this.state = 'closed';
    this.handlers.onClose(code, reason);
  }

  fail(message: string): void {
    this.state = 'closed';
    this.handlers.onError(message);
    this.handlers.onClose(1006, '');
  }
}

/**
 * Creates an in-memory transport: pass its `factory` where a socket factory
 * is expected, then drive each socket from the test.
 *
 * @example
 * ```ts
 * const transport = createMemoryTransport();
 * const socket = transport.factory('ws://test/ws', handlers);
 * transport.last() === socket; // true
 * ```
 */
export function createMemoryTransport(): MemoryTransport {
  const sockets: MemorySocket[] = [];
  return {
    sockets,
    factory(url, handlers, options) {
      const socket = new InMemorySocket(url, handlers, options?.protocols);
      sockets.push(socket);
      return socket;
    },
    last: () => sockets[sockets.length - 1],
  };
}
