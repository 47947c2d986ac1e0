import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';
import { authenticate } from '../auth';
import type { Authenticator, TokenClaims } from '../auth';
import type { ChatService } from '../chat';
import type { RateLimit } from '../config';
import { HttpError } from '../errors';
import type { ChatEvent } from '../events';
import { redactUrl } from '../log';
import { KeyedBuckets, TokenBucket } from '../rateLimit';
import type { RequestGuard } from '../security';
import { isUuid } from '../validation';
import {
  SUBPROTOCOL,
  offeredProtocols,
  parseSocketUrl,
  protocolToken,
  refuseUpgrade,
} from './connect';
import type { SocketTarget } from './connect';
import { CloseCode, Connection } from './connection';
import { handleClientFrame } from './inbound';

/** What the hub needs from the rest of the server. */
export interface HubOptions {
  chat: ChatService;
  auth: Authenticator;
  log: FastifyBaseLogger;
  maxFrameBytes: number;
  guard: RequestGuard;
  /** The port the server listens on (known only once it does): for the Origin check. */
  port(): number;
  /** `message:send` token buckets; null: unlimited. */
  sendsPerConnection: RateLimit | null;
  sendsPerUser: RateLimit | null;
  /** null: no cap. */
  maxSocketsPerUser: number | null;
}

// How long close() waits for clients to answer the 1001 close before cutting them off.
const CLOSE_GRACE_MS = 1000;

/**
 * Every conversation socket of the server: admits upgrades (always completing
 * the handshake, then closing with 4401/4404 when refused; only a foreign
 * Origin or Host is refused before it), handles client frames, and fans each
 * `ChatEvent` out to the sockets of its conversation only.
 */
export class SocketHub {
  private readonly server: WebSocketServer;
  private readonly rooms = new Map<string, Set<Connection>>();
  /** Each user's open sockets, oldest first. */
  private readonly byUser = new Map<number, Connection[]>();
  private readonly userSends: KeyedBuckets<number> | null;
  private closing = false;

  constructor(private readonly options: HubOptions) {
    this.server = new WebSocketServer({
      noServer: true,
      // Somewhat above the frame limit, so an oversize frame gets an error frame instead of 1009.
      maxPayload: options.maxFrameBytes * 4,
      // One client frame per socket per event-loop turn: a flooding socket then takes turns
      // with every other socket and HTTP request instead of holding the loop for a whole read.
      allowSynchronousEvents: false,
      // Without this, ws would echo the first protocol offered: possibly `bearer.<token>`.
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
    this.userSends = options.sendsPerUser ? new KeyedBuckets(options.sendsPerUser) : null;
  }

  /** The HTTP server's `upgrade` listener. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const parsed = parseSocketUrl(request.url ?? '');
    if (!parsed || this.closing) {
      refuseUpgrade(socket, parsed ? 503 : 404);
      return;
    }
    const { guard } = this.options;
    const host = request.headers.host;
    if (
      !guard.hostAllowed(host) ||
      !guard.originAllowed(request.headers.origin, host, this.options.port())
    ) {
      // A page of another site gets nothing, not even the handshake: no token is looked at.
      this.options.log.info(
        { url: redactUrl(request.url ?? ''), status: 403 },
        'socket refused: origin or host not allowed',
      );
      refuseUpgrade(socket, 403);
      return;
    }
    const fromProtocol = protocolToken(offeredProtocols(request.headers['sec-websocket-protocol']));
    const target: SocketTarget = { ...parsed, token: fromProtocol ?? parsed.token };
    // A client that vanishes while its token is being checked must not crash the process.
    socket.on('error', () => socket.destroy());
    void this.checkToken(target).then((verdict) => {
      if (this.closing || socket.destroyed) {
        socket.destroy();
        return;
      }
      this.server.handleUpgrade(request, socket, head, (ws) => {
        this.admit(ws, target, verdict, request);
      });
    });
  }

  private async checkToken(target: SocketTarget): Promise<TokenClaims | HttpError> {
    try {
      return await authenticate(this.options.auth, target.token);
    } catch (error) {
      if (error instanceof HttpError) return error;
      this.options.log.error({ err: error }, 'socket authentication failed');
      return new HttpError(401, 'Token could not be checked.', 'token_invalid');
    }
  }

  // Runs synchronously right after the handshake, so membership cannot change in between.
  private admit(
    ws: WebSocket,
    target: SocketTarget,
    verdict: TokenClaims | HttpError,
    request: IncomingMessage,
  ): void {
    const log = this.options.log;
    const url = redactUrl(request.url ?? '');
    if (verdict instanceof HttpError) {
      log.info({ url, code: CloseCode.unauthorized }, 'socket refused');
      ws.close(
        CloseCode.unauthorized,
        verdict.code === 'token_expired' ? 'token expired' : 'unauthorized',
      );
      return;
    }
    const conversationId = target.conversationId.toLowerCase();
    // Like REST's 404: a conversation of others cannot be told from one that does not exist.
    if (!isUuid(conversationId) || !this.options.chat.canJoin(verdict.userId, conversationId)) {
      log.info({ url, code: CloseCode.notFound, userId: verdict.userId }, 'socket refused');
      ws.close(CloseCode.notFound, 'conversation not found');
      return;
    }
    const sendBucket = this.options.sendsPerConnection
      ? new TokenBucket(this.options.sendsPerConnection)
      : null;
    const connection = new Connection(
      ws,
      { userId: verdict.userId, sessionId: verdict.sid },
      conversationId,
      sendBucket,
    );
    this.open(connection, verdict.exp * 1000);
    log.info({ url, userId: verdict.userId }, 'socket opened');
  }

  private open(connection: Connection, expiresAtMs: number): void {
    const { socket, conversationId, userId } = connection;
    let room = this.rooms.get(conversationId);
    if (!room) {
      room = new Set();
      this.rooms.set(conversationId, room);
    }
    room.add(connection);
    const mine = this.byUser.get(userId) ?? [];
    mine.push(connection);
    this.byUser.set(userId, mine);
    const context = {
      chat: this.options.chat,
      maxFrameBytes: this.options.maxFrameBytes,
      // Looked up per send: the user's bucket is shared by all their sockets.
      userSendBucket: () => this.userSends?.get(userId) ?? null,
      onInternalError: (error: unknown) =>
        this.options.log.error({ err: error }, 'socket frame failed'),
    };
    socket.on('message', (data, isBinary) =>
      handleClientFrame(context, connection, data, isBinary),
    );
    socket.on('error', (error) => this.options.log.warn({ err: error }, 'socket error'));
    socket.once('close', (code) => {
      connection.dispose();
      const current = this.rooms.get(conversationId);
      current?.delete(connection);
      if (current?.size === 0) this.rooms.delete(conversationId);
      this.forget(connection);
      this.options.log.info({ conversationId, userId, code }, 'socket closed');
    });
    connection.expireAt(expiresAtMs);
    this.enforceSocketCap(userId);
  }

  private forget(connection: Connection): void {
    const mine = this.byUser.get(connection.userId);
    if (!mine) return;
    const index = mine.indexOf(connection);
    if (index !== -1) mine.splice(index, 1);
    if (mine.length === 0) this.byUser.delete(connection.userId);
  }

  // The newest socket is the one a person just asked for; the oldest is most likely forgotten.
  private enforceSocketCap(userId: number): void {
    const cap = this.options.maxSocketsPerUser;
    const mine = this.byUser.get(userId);
    if (cap === null || !mine) return;
    while (mine.length > cap) {
      const oldest = mine.shift();
      if (!oldest) break;
      oldest.close(CloseCode.tooManySockets, 'too many sockets');
    }
    if (mine.length === 0) this.byUser.delete(userId);
  }

  /** Closes every socket opened with a token of the login session `sessionId` (logout, reuse). */
  closeSession(sessionId: string): void {
    for (const mine of this.byUser.values()) {
      for (const connection of [...mine]) {
        if (connection.sessionId === sessionId) {
          connection.close(CloseCode.unauthorized, 'session ended');
        }
      }
    }
  }

  /** Sends an event to every open socket of its conversation, then applies its closes. */
  dispatch(event: ChatEvent): void {
    const room = this.rooms.get(event.conversationId);
    if (!room) return;
    const encoded = JSON.stringify(event.frame);
    const connections = [...room];
    for (const connection of connections) connection.sendEncoded(encoded);
    const { frame } = event;
    if (frame.type === 'participant:removed') {
      for (const connection of connections) {
        if (connection.userId === frame.payload.user_id) {
          connection.close(CloseCode.forbidden, 'removed from conversation');
        }
      }
    } else if (frame.type === 'conversation:deleted') {
      for (const connection of connections) {
        connection.close(CloseCode.notFound, 'conversation deleted');
      }
    }
  }

  /** Closes every socket with 1001, waiting briefly for clients to acknowledge. */
  async close(): Promise<void> {
    this.closing = true;
    const sockets = [...this.server.clients];
    const closed = sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === ws.CLOSED) resolve();
          else ws.once('close', () => resolve());
        }),
    );
    for (const ws of sockets) {
      if (ws.readyState === ws.OPEN) ws.close(CloseCode.goingAway, 'server shutting down');
    }
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_GRACE_MS);
    });
    await Promise.race([Promise.all(closed), grace]);
    clearTimeout(timer);
    for (const ws of this.server.clients) ws.terminate();
    await Promise.all(closed);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
