import type { Duplex } from 'node:stream';

const SOCKET_PATH = /^\/api\/unet-chat\/ws\/conversations\/([^/?]*)\/?$/;

/** What a socket URL names: the conversation (unchecked) and the token, if any. */
export interface SocketTarget {
  conversationId: string;
  token: string | null;
}

/**
 * Reads `/api/unet-chat/ws/conversations/{id}/?WWW-Authenticate=Bearer%20{token}`
 * (trailing slash optional); null for any other path.
 */
export function parseSocketUrl(url: string): SocketTarget | null {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const match = SOCKET_PATH.exec(path);
  if (!match) return null;
  let conversationId: string;
  try {
    conversationId = decodeURIComponent(match[1] ?? '');
  } catch {
    conversationId = '';
  }
  const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
  let header: string | null = null;
  for (const [name, value] of query) {
    if (name.toLowerCase() === 'www-authenticate') header = value;
  }
  const token = header === null ? null : header.replace(/^\s*Bearer\s+/i, '').trim();
  return { conversationId, token: token || null };
}

/** Answers an upgrade we will not take (wrong path, shutting down) with a plain HTTP status. */
export function refuseUpgrade(socket: Duplex, status: 404 | 503): void {
  const text = status === 404 ? 'Not Found' : 'Service Unavailable';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
