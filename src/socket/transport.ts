/**
 * The smallest surface the connection needs from a WebSocket client. Any
 * client fits behind it: the browser's `WebSocket`, the `ws` package, a React
 * Native socket, or the in-memory transport of the tests. Keeping it this
 * small is what lets the reconnect logic be tested without a network.
 */

/**
 * What a socket tells its owner. An adapter calls `onClose` exactly once per
 * socket, whether the server, the network or the owner ended it; `onError`
 * may come before it and carries a human-readable message only, because
 * browsers expose nothing more.
 *
 * @example
 * ```ts
 * const handlers: SocketHandlers = {
 *   onOpen: () => console.log('open'),
 *   onMessage: (data) => console.log('frame', data),
 *   onClose: (code, reason) => console.log('closed', code, reason),
 *   onError: (message) => console.warn(message),
 * };
 * ```
 */
export interface SocketHandlers {
  onOpen(): void;
  /** A text frame (adapters decode binary frames as UTF-8 text). */
  onMessage(data: string): void;
  onClose(code: number, reason: string): void;
  onError(message: string): void;
}

/**
 * An open (or opening) socket, as the owner sees it.
 *
 * @example
 * ```ts
 * socket.send(JSON.stringify({ type: 'ping' }));
 * socket.close(1000, 'bye');
 * ```
 */
export interface ChatSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/**
 * Opens a socket to `url` and reports its life to `handlers`. May throw
 * synchronously (e.g. a malformed URL); the connection treats that as a
 * failed attempt.
 *
 * @example
 * ```ts
 * const factory: SocketFactory = createWebSocketFactory();
 * const socket = factory('wss://chat.example/api/unet-chat/ws/conversations/42/', handlers);
 * ```
 */
export type SocketFactory = (
  url: string,
  handlers: SocketHandlers,
  options?: SocketOpenOptions,
) => ChatSocket;

/**
 * What a socket is opened with besides its URL.
 *
 * @example
 * ```ts
 * factory(url, handlers, { protocols: ['unet-chat', `bearer.${token}`] });
 * ```
 */
export interface SocketOpenOptions {
  /** WebSocket subprotocols to offer (`Sec-WebSocket-Protocol`). */
  protocols?: string[];
}
