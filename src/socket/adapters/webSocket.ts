import type { ChatSocket, SocketFactory, SocketHandlers, SocketOpenOptions } from '../transport';

/**
 * The part of a WHATWG `WebSocket` the adapter uses. The browser's
 * `WebSocket`, the `ws` package's `WebSocket` and most React Native or
 * polyfill clients match it structurally, so none of them is imported here.
 *
 * @example
 * ```ts
 * const socket: WebSocketLike = new WebSocket('wss://chat.example/ws');
 * ```
 */
export interface WebSocketLike {
  /** Set to `'arraybuffer'` when present, so binary frames arrive readable without a Blob round trip. */
  binaryType?: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: 'open' | 'message' | 'close' | 'error',
    listener: (event: unknown) => void,
  ): void;
}

/**
 * A WebSocket constructor: `globalThis.WebSocket`, `ws`'s `WebSocket`, or any
 * look-alike.
 *
 * @example
 * ```ts
 * import { WebSocket } from 'ws';
 * const Impl: WebSocketConstructor = WebSocket;
 * ```
 */
export type WebSocketConstructor = new (url: string, protocols?: string[]) => WebSocketLike;

const missingWebSocket =
  'unet-chat-redux: there is no global WebSocket in this environment (Node 20 has none). ' +
  "Pass a constructor instead, e.g. createWebSocketFactory(WebSocket) with `import { WebSocket } from 'ws'`.";

function resolveConstructor(WebSocketImpl: WebSocketConstructor | undefined): WebSocketConstructor {
  if (WebSocketImpl) return WebSocketImpl;
  // Looked up per socket, not once, so a polyfill installed after start-up still counts.
  const globalImpl: unknown = (globalThis as { WebSocket?: unknown }).WebSocket;
  if (typeof globalImpl !== 'function') throw new Error(missingWebSocket);
  return globalImpl as WebSocketConstructor;
}

function field(event: unknown, name: string): unknown {
  return typeof event === 'object' && event !== null
    ? (event as Record<string, unknown>)[name]
    : undefined;
}

/**
 * Turns whatever a client hands out as message data into text. Binary frames
 * are decoded as UTF-8 rather than rejected: the contract's frames are JSON
 * text, some servers send that JSON in binary frames, and the codec reports
 * anything that then fails to parse. Data that cannot be read synchronously
 * (a `Blob`, when `binaryType` could not be set) becomes its `String()` form,
 * which the codec reports as not being JSON.
 */
function frameText(data: unknown): string {
  if (typeof data === 'string') return data;
  const decoder = new TextDecoder();
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return decoder.decode(data);
  if (Array.isArray(data) && data.every((chunk) => ArrayBuffer.isView(chunk))) {
    // `ws` with binaryType 'fragments': decode as one stream so a character split across chunks survives.
    return data.map((chunk) => decoder.decode(chunk, { stream: true })).join('') + decoder.decode();
  }
  return String(data);
}

/**
 * Builds a {@link SocketFactory} on top of a WHATWG-like WebSocket
 * constructor. Without an argument it uses `globalThis.WebSocket` (browsers,
 * Node 22+), looked up when a socket is opened, so creating the factory never
 * throws during server-side rendering; opening a socket without any
 * implementation throws a clear `Error` (the connection reports it as a
 * failed attempt).
 *
 * Guarantees, whatever the client: binary frames reach `onMessage` as UTF-8
 * text, nothing is reported after the close, and `onClose` fires exactly once
 * per socket. A close code the client refuses (browsers accept only 1000 and
 * 3000–4999) falls back to a plain `close()`.
 *
 * @example
 * ```ts
 * // Browser: the global WebSocket.
 * const factory = createWebSocketFactory();
 *
 * // Node 20: the `ws` package (a devDependency of the host, never of this package).
 * import { WebSocket } from 'ws';
 * const nodeFactory = createWebSocketFactory(WebSocket);
 * ```
 */
export function createWebSocketFactory(WebSocketImpl?: WebSocketConstructor): SocketFactory {
  return (url: string, handlers: SocketHandlers, options?: SocketOpenOptions): ChatSocket => {
    const Impl = resolveConstructor(WebSocketImpl);
    const socket = options?.protocols ? new Impl(url, options.protocols) : new Impl(url);
    if ('binaryType' in socket) socket.binaryType = 'arraybuffer';
    let closed = false;

    socket.addEventListener('open', () => {
      if (!closed) handlers.onOpen();
    });
    socket.addEventListener('message', (event) => {
      if (!closed) handlers.onMessage(frameText(field(event, 'data')));
    });
    socket.addEventListener('error', (event) => {
      if (closed) return;
      const message = field(event, 'message');
      // Browsers give no detail on purpose; `ws` does.
      handlers.onError(typeof message === 'string' && message ? message : 'WebSocket error');
    });
    socket.addEventListener('close', (event) => {
      if (closed) return;
      closed = true;
      const code = field(event, 'code');
      const reason = field(event, 'reason');
      // 1005 is what the protocol reports for a close frame without a status code.
      handlers.onClose(
        typeof code === 'number' ? code : 1005,
        typeof reason === 'string' ? reason : '',
      );
    });

    return {
      send(data) {
        socket.send(data);
      },
      close(code, reason) {
        try {
          socket.close(code, reason);
        } catch {
          // An invalid code or an over-long reason must not keep the socket open.
          socket.close();
        }
      },
    };
  };
}
