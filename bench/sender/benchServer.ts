import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';
import type { Message } from 'unet-chat-redux';
import {
  BENCH_USER_ID,
  conversationId,
  editedMessage,
  encodeFrame,
  makeConversation,
  makeMessage,
} from '../fixtures';
import type { TextOptions } from '../fixtures';

/**
 * The minimal unet-chat server of the benchmarks (it runs in the sender
 * process): the contract's history endpoint with the [ext] paging, the
 * conversation and user reads `ChatMessages` makes, and conversation sockets.
 * It holds each conversation's history in memory, so a history page costs it
 * next to nothing, and it writes bursts of frames that were framed before the
 * clock starts, as fast as loopback carries them. Any token is accepted as the
 * bench user.
 */

/** One conversation of a scene: `history` messages stored, numbered 0 (oldest) … history − 1. */
export interface SceneConversation extends TextOptions {
  index: number;
  history: number;
}

interface StoredConversation {
  messages: Message[];
  position: Map<string, number>;
  everything: string | null;
  options: TextOptions;
}

/** A burst to prepare: new messages after the history, or edits / deletions of stored ones. */
export interface BurstRequest {
  key: string;
  conversation: number;
  kind: 'new' | 'updated' | 'deleted';
  count: number;
  /** New messages: the first one's number. Default: right after the history. */
  startSeq?: number;
  /** Edits and deletions: every `stride`-th stored message, from the oldest. Default 1. */
  stride?: number;
  /** Edits and deletions: start at the `offset`-th of those messages. Default 0. */
  offset?: number;
}

/** What a prepared burst carries, for the receiver's "is it all in?" check. */
export interface PreparedBurst {
  frames: number;
  bytes: number;
  firstId: string;
  lastId: string;
  /** The text the last message has once the burst is applied (edits). */
  lastText: string | null;
}

const API = '/api/unet-chat';
const SOCKET_PATH = /^\/api\/unet-chat\/ws\/conversations\/([^/]+)\/?$/;
const MESSAGES_PATH = /^\/api\/unet-chat\/messages\/([^/]+)\/?$/;
const CHANGES_PATH = /^\/api\/unet-chat\/messages\/([^/]+)\/changes\/?$/;
const CONVERSATION_PATH = /^\/api\/unet-chat\/conversations\/([^/]+)\/?$/;
const CHUNK_BYTES = 1 << 20;

const USERS = Array.from({ length: 8 }, (_, i) => ({
  id: i + 1,
  username: `user${i + 1}`,
  full_name: i + 1 === BENCH_USER_ID ? 'Bench User' : `Sender ${i + 1}`,
}));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

/** A final, unmasked text frame (RFC 6455 §5.2): server → client frames are never masked. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const length = payload.length;
  const header =
    length < 126 ? Buffer.alloc(2) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = 0x81;
  if (length < 126) header[1] = length;
  else if (length < 65_536) {
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

/** Frames a burst before the clock starts, in chunks of about 1 MiB. */
function frameBuffers(texts: readonly string[]): { chunks: Buffer[]; bytes: number } {
  const chunks: Buffer[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let bytes = 0;
  for (const text of texts) {
    const frame = textFrame(text);
    pending.push(frame);
    pendingBytes += frame.length;
    if (pendingBytes >= CHUNK_BYTES) {
      chunks.push(Buffer.concat(pending));
      bytes += pendingBytes;
      pending = [];
      pendingBytes = 0;
    }
  }
  if (pendingBytes > 0) {
    chunks.push(Buffer.concat(pending));
    bytes += pendingBytes;
  }
  return { chunks, bytes };
}

export class BenchServer {
  private readonly server = http.createServer((request, response) => {
    void this.handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ detail: String(error) }));
    });
  });
  private readonly sockets = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly conversations = new Map<string, StoredConversation>();
  private readonly rooms = new Map<string, Set<WebSocket>>();
  private readonly bursts = new Map<string, { conversation: string; chunks: Buffer[] }>();
  private staticDir: string | null = null;
  url = '';

  async listen(): Promise<string> {
    this.server.on('upgrade', (request, socket, head) => {
      const match = SOCKET_PATH.exec(new URL(request.url ?? '/', 'http://x').pathname);
      const id = match ? decodeURIComponent(match[1] as string) : null;
      if (!id || !this.conversations.has(id)) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      this.sockets.handleUpgrade(request, socket, head, (ws) => this.admit(ws, id));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  private admit(ws: WebSocket, id: string): void {
    let room = this.rooms.get(id);
    if (!room) {
      room = new Set();
      this.rooms.set(id, room);
    }
    room.add(ws);
    ws.on('message', (data) => {
      if (data.toString() === '{"type":"ping"}') ws.send('{"type":"pong","payload":{}}');
    });
    ws.on('error', () => undefined);
    ws.once('close', () => room.delete(ws));
  }

  /** Replaces the stored conversations. */
  scene(conversations: readonly SceneConversation[]): void {
    this.conversations.clear();
    this.bursts.clear();
    for (const { index, history, ...options } of conversations) {
      const messages: Message[] = [];
      const position = new Map<string, number>();
      for (let seq = 0; seq < history; seq++) {
        const message = makeMessage(index, seq, options);
        position.set(message.id, seq);
        messages.push(message);
      }
      this.conversations.set(conversationId(index), {
        messages,
        position,
        everything: null,
        options,
      });
    }
  }

  setStaticDir(dir: string): void {
    this.staticDir = dir;
  }

  private stored(index: number): StoredConversation {
    const conversation = this.conversations.get(conversationId(index));
    if (!conversation) throw new Error(`bench server: conversation ${index} is not in the scene`);
    return conversation;
  }

  /** Frames a burst now, so that `go` only writes bytes. */
  prepare(request: BurstRequest): PreparedBurst {
    const conversation = this.stored(request.conversation);
    const texts: string[] = [];
    let first: Message | undefined;
    let last: Message | undefined;
    if (request.kind === 'new') {
      const start = request.startSeq ?? conversation.messages.length;
      for (let i = 0; i < request.count; i++) {
        const message = makeMessage(request.conversation, start + i, conversation.options);
        first ??= message;
        last = message;
        texts.push(encodeFrame('message:new', message));
      }
    } else {
      const stride = request.stride ?? 1;
      const offset = request.offset ?? 0;
      for (let i = offset; i < offset + request.count; i++) {
        const stored = conversation.messages[i * stride];
        if (!stored) throw new Error(`bench server: no message ${i * stride} to ${request.kind}`);
        const message = request.kind === 'updated' ? editedMessage(stored) : stored;
        first ??= message;
        last = message;
        texts.push(
          request.kind === 'updated'
            ? encodeFrame('message:updated', message)
            : encodeFrame('message:deleted', {
                id: message.id,
                conversation_id: message.conversation_id,
              }),
        );
      }
    }
    if (!first || !last) throw new Error('bench server: an empty burst');
    const { chunks, bytes } = frameBuffers(texts);
    this.bursts.set(request.key, { conversation: conversationId(request.conversation), chunks });
    return {
      frames: texts.length,
      bytes,
      firstId: first.id,
      lastId: last.id,
      lastText: request.kind === 'updated' ? last.text : null,
    };
  }

  /** Writes a prepared burst to every socket of its conversation; returns how many got it. */
  go(key: string): number {
    const burst = this.bursts.get(key);
    if (!burst) throw new Error(`bench server: no burst ${key}`);
    const room = [...(this.rooms.get(burst.conversation) ?? [])];
    for (const ws of room) {
      // The raw TCP socket: the frames are framed already (see frameBuffers).
      const socket = (ws as unknown as { _socket: Socket })._socket;
      for (const chunk of burst.chunks) socket.write(chunk);
    }
    return room.length;
  }

  /**
   * One `message:new` frame (message `seq`) to the conversation's sockets,
   * `delayMs` from now: the caller gets the answer first, so handling it is
   * not part of what the receiver measures for the frame.
   */
  live(index: number, seq: number, delayMs: number): { id: string; clients: number } {
    const conversation = this.stored(index);
    const message = makeMessage(index, seq, conversation.options);
    const text = encodeFrame('message:new', message);
    const room = [...(this.rooms.get(conversationId(index)) ?? [])];
    setTimeout(() => {
      for (const ws of room) ws.send(text);
    }, delayMs);
    return { id: message.id, clients: room.length };
  }

  clients(index: number): number {
    return this.rooms.get(conversationId(index))?.size ?? 0;
  }

  async close(): Promise<void> {
    for (const room of this.rooms.values()) for (const ws of room) ws.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://x');
    const send = (status: number, body: string, type = 'application/json') => {
      response.writeHead(status, {
        'content-type': type,
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    };
    const notFound = () => send(404, JSON.stringify({ detail: 'Not found.', code: 'not_found' }));
    if (request.method !== 'GET') return notFound();

    if (url.pathname.startsWith('/page/') && this.staticDir) {
      const file = path.join(this.staticDir, path.normalize(url.pathname.slice(6)) || 'index.html');
      if (!file.startsWith(this.staticDir)) return notFound();
      const body = await readFile(file).catch(() => null);
      if (!body) return notFound();
      response.writeHead(200, {
        'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      });
      return response.end(body);
    }
    if (!url.pathname.startsWith(API)) return notFound();
    // [ext] "changes since" is not offered: the package falls back as with a seed server.
    if (CHANGES_PATH.test(url.pathname)) return notFound();

    const messages = MESSAGES_PATH.exec(url.pathname);
    if (messages) {
      const conversation = this.conversations.get(decodeURIComponent(messages[1] as string));
      if (!conversation) return notFound();
      return send(200, this.page(conversation, url.searchParams));
    }
    if (url.pathname === `${API}/conversations/` || url.pathname === `${API}/conversations`) {
      const list = [...this.conversations.keys()].map((id) =>
        makeConversation(Number.parseInt(id.slice(-12), 16)),
      );
      return send(200, JSON.stringify(list));
    }
    const conversation = CONVERSATION_PATH.exec(url.pathname);
    if (conversation) {
      const id = decodeURIComponent(conversation[1] as string);
      if (!this.conversations.has(id)) return notFound();
      return send(200, JSON.stringify(makeConversation(Number.parseInt(id.slice(-12), 16))));
    }
    if (url.pathname === `${API}/users/` || url.pathname === `${API}/users`) {
      return send(200, JSON.stringify(USERS));
    }
    return notFound();
  }

  /**
   * `GET /messages/{id}`: without `limit` everything, oldest first (as the
   * seed server answers); with it the [ext] pages: the newest `limit`, the
   * `limit` just older than `before`, or up to `limit` newer than `after`.
   */
  private page(conversation: StoredConversation, params: URLSearchParams): string {
    const { messages, position } = conversation;
    const rawLimit = params.get('limit');
    if (rawLimit === null) {
      conversation.everything ??= JSON.stringify(messages);
      return conversation.everything;
    }
    const limit = Math.max(1, Number.parseInt(rawLimit, 10) || 50);
    const before = params.get('before');
    const after = params.get('after');
    if (before !== null) {
      const end = position.get(before) ?? 0;
      return JSON.stringify(messages.slice(Math.max(0, end - limit), end));
    }
    if (after !== null) {
      const start = (position.get(after) ?? messages.length - 1) + 1;
      return JSON.stringify(messages.slice(start, start + limit));
    }
    return JSON.stringify(messages.slice(Math.max(0, messages.length - limit)));
  }
}
