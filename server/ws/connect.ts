import type { Duplex } from 'node:stream';

const SOCKET_PATH = /^\/api\/unet-chat\/ws\/conversations\/([^/?]*)\/?$/;
/** [ext] The user stream: every conversation of the user on one socket. */
const STREAM_PATH = /^\/api\/unet-chat\/ws\/?$/;

/**
 * What a socket URL names: a conversation (its id unchecked; null for [ext] the
 * user stream) and the token, if any.
 */
export interface SocketTarget {
  conversationId: string | null;
  token: string | null;
}

/** [ext] The subprotocol a client offers to say "the token is in the next one". */
export const SUBPROTOCOL = 'unet-chat';
const BEARER_PROTOCOL = /^bearer\.(.+)$/i;

/** The protocols of a `Sec-WebSocket-Protocol` header, in the order offered. */
export function offeredProtocols(header: string | string[] | undefined): string[] {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  return values
    .flatMap((value) => value.split(','))
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol !== '');
}

/** [ext] The token of a `bearer.<token>` subprotocol, or null. */
export function protocolToken(protocols: readonly string[]): string | null {
  for (const protocol of protocols) {
    const token = BEARER_PROTOCOL.exec(protocol)?.[1];
    if (token) return token;
  }
  return null;
}

/**
 * Reads `/api/unet-chat/ws/conversations/{id}/?WWW-Authenticate=Bearer%20{token}`
 * and [ext] `/api/unet-chat/ws/?WWW-Authenticate=…` (trailing slashes optional);
 * null for any other path.
 */
export function parseSocketUrl(url: string): SocketTarget | null {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const match = SOCKET_PATH.exec(path);
  if (!match && !STREAM_PATH.test(path)) return null;
  let conversationId: string | null = null;
  if (match) {
    try {
      conversationId = decodeURIComponent(match[1] ?? '');
    } catch {
      conversationId = '';
    }
  }
  const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
  let header: string | null = null;
  for (const [name, value] of query) {
    if (name.toLowerCase() === 'www-authenticate') header = value;
  }
  const token = header === null ? null : header.replace(/^\s*Bearer\s+/i, '').trim();
  return { conversationId, token: token || null };
}

const STATUS_TEXT = { 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' } as const;

/**
 * Answers an upgrade we will not take (wrong path, foreign Origin or Host,
 * shutting down) with a plain HTTP status.
 */
export function refuseUpgrade(socket: Duplex, status: keyof typeof STATUS_TEXT): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
  );
}
