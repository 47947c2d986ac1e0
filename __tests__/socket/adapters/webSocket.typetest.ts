/**
 * Type-level checks, run by `tsc --noEmit` (not by jest): every WebSocket
 * client the docs name fits the adapter without a cast.
 */
import { WebSocket as NodeWebSocket } from 'ws';
import { createWebSocketFactory } from '../../../src/socket/adapters/webSocket';
import type { WebSocketConstructor } from '../../../src/socket/adapters/webSocket';
import type { ServerEventOf } from '../../../src/socket/codec';
import type { SocketFactory } from '../../../src/socket/transport';

export const browser: SocketFactory = createWebSocketFactory(globalThis.WebSocket);
export const node: SocketFactory = createWebSocketFactory(NodeWebSocket);
export const asConstructor: WebSocketConstructor = NodeWebSocket;

class NotASocket {
  addEventListener() {}
  close() {}
}
// @ts-expect-error a constructor without `send` is not a WebSocket.
createWebSocketFactory(NotASocket);

export const deletedId = (event: ServerEventOf<'message:deleted'>): string => event.payload.id;
// @ts-expect-error `pong` has no payload.
export const pongPayload = (event: ServerEventOf<'pong'>) => event.payload;
