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
import type { ChatEvent, ServerFrame } from '../events';
import { redactUrl } from '../log';
import type { PresenceChange, PresenceTracker } from '../presence';
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
  /** [ext] Who is online; null in seed-only mode (no user stream, no presence). */
  presence: PresenceTracker | null;
}

// How long close() waits for clients to answer the 1001 close before cutting them off.
const CLOSE_GRACE_MS = 1000;

/**
 * Every socket of the server: admits upgrades (always completing the handshake,
 * then closing with 4401/4404 when refused; only a foreign Origin or Host is
 * refused before it), handles client frames, and fans each `ChatEvent` out to
 * the sockets of its conversation and [ext] the user streams of its
 * participants, and to nobody else.
 */
export class SocketHub {
  private readonly server: WebSocketServer;
  /** Conversation sockets by conversation. */
  private readonly rooms = new Map<string, Set<Connection>>();
  /** [ext] User streams by user. */
  private readonly streams = new Map<number, Set<Connection>>();
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
    options.presence?.subscribe((change) => this.sendPresence(change));
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
    if (parsed.conversationId === null && !this.options.chat.extensions) {
      // Seed-only mode has no user stream: it answers like a conversation that does not exist.
      this.server.handleUpgrade(request, socket, head, (ws) => {
        this.options.log.info({ url: redactUrl(request.url ?? '') }, 'socket refused: no stream');
        ws.close(CloseCode.notFound, 'not found');
      });
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
    const conversationId = target.conversationId?.toLowerCase() ?? null;
    // Like REST's 404: a conversation of others cannot be told from one that does not exist.
    if (
      conversationId !== null &&
      (!isUuid(conversationId) || !this.options.chat.canJoin(verdict.userId, conversationId))
    ) {
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
    const group = this.groupOf(connection, true);
    group.add(connection);
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
      const current = this.groupOf(connection, false);
      current.delete(connection);
      if (current.size === 0) {
        if (conversationId === null) this.streams.delete(userId);
        else this.rooms.delete(conversationId);
      }
      this.forget(connection);
      this.options.presence?.closed(userId);
      this.options.log.info({ conversationId, userId, code }, 'socket closed');
    });
    connection.expireAt(expiresAtMs);
    this.options.presence?.opened(userId);
    // The current presence of everyone the streamer shares a conversation with, before anything else.
    if (conversationId === null && this.options.presence) {
      for (const payload of this.options.presence.sharedWith(userId)) {
        connection.send({ type: 'presence', payload });
      }
    }
    this.enforceSocketCap(userId);
  }

  /** The set a connection belongs to: its conversation's room, or its user's streams. */
  private groupOf(connection: Connection, create: boolean): Set<Connection> {
    const { conversationId, userId } = connection;
    const map: Map<string | number, Set<Connection>> = conversationId === null
      ? this.streams
      : this.rooms;
    const key = conversationId ?? userId;
    let group = map.get(key);
    if (!group) {
      group = new Set();
      if (create) map.set(key, group);
    }
    return group;
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

  /**
   * Applies a committed change: a conversation's frame to its sockets and to the
   * streams of its audience; a user's frame to their streams; the closes that a
   * removal (4403) or a deletion (4404) means for conversation sockets; presence
   * frames for users who now share a conversation.
   */
  dispatch(event: ChatEvent): void {
    switch (event.kind) {
      case 'conversation': {
        const targets = [...(this.rooms.get(event.conversationId) ?? [])];
        for (const userId of event.audience) targets.push(...(this.streams.get(userId) ?? []));
        const encoded = JSON.stringify(event.frame);
        for (const connection of targets) {
          if (connection.userId !== event.except) connection.sendEncoded(encoded);
        }
        return;
      }
      case 'user':
        this.sendToStreams([event.userId], event.frame);
        return;
      case 'left':
        for (const connection of [...(this.rooms.get(event.conversationId) ?? [])]) {
          if (connection.userId === event.userId) {
            connection.close(CloseCode.forbidden, 'removed from conversation');
          }
        }
        return;
      case 'ended':
        for (const connection of [...(this.rooms.get(event.conversationId) ?? [])]) {
          connection.close(CloseCode.notFound, 'conversation deleted');
        }
        return;
      case 'joined':
        this.introduce(event.joined, event.audience);
    }
  }

  /**
   * [ext] After members join a conversation, each of its participants' streams
   * gets the presence of those it now shares it with: a new member that of
   * everyone else, everyone else that of the new members.
   */
  private introduce(joined: readonly number[], audience: readonly number[]): void {
    const presence = this.options.presence;
    if (!presence) return;
    const isNew = new Set(joined);
    for (const recipient of audience) {
      const streams = this.streams.get(recipient);
      if (!streams) continue;
      const others = (isNew.has(recipient) ? audience : joined).filter((id) => id !== recipient);
      for (const userId of others) {
        const encoded = JSON.stringify({ type: 'presence', payload: presence.state(userId) });
        for (const connection of streams) connection.sendEncoded(encoded);
      }
    }
  }

  private sendPresence(change: PresenceChange): void {
    if (this.closing) return;
    this.sendToStreams(change.recipients, { type: 'presence', payload: change.payload });
  }

  private sendToStreams(userIds: readonly number[], frame: ServerFrame): void {
    const encoded = JSON.stringify(frame);
    for (const userId of userIds) {
      for (const connection of this.streams.get(userId) ?? []) connection.sendEncoded(encoded);
    }
  }

  /** Closes every socket with 1001, waiting briefly for clients to acknowledge. */
  async close(): Promise<void> {
    this.closing = true;
    // Everyone is about to go offline at once; nobody is left to tell, but last_seen_at is kept.
    this.options.presence?.stop();
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
