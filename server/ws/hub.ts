import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';
import { authenticate } from '../auth';
import type { TokenClaims, TokenService } from '../auth';
import type { ChatService } from '../chat';
import { HttpError } from '../errors';
import type { ChatEvent } from '../events';
import { redactUrl } from '../log';
import type { Store } from '../store';
import { isUuid } from '../validation';
import { parseSocketUrl, refuseUpgrade } from './connect';
import type { SocketTarget } from './connect';
import { CloseCode, Connection } from './connection';
import { handleClientFrame } from './inbound';

/** What the hub needs from the rest of the server. */
export interface HubOptions {
  chat: ChatService;
  tokens: TokenService;
  store: Store;
  log: FastifyBaseLogger;
  maxFrameBytes: number;
}

// How long close() waits for clients to answer the 1001 close before cutting them off.
const CLOSE_GRACE_MS = 1000;

/**
 * Every conversation socket of the server: admits upgrades (always completing
 * the handshake, then closing with 4401/4403/4404 when refused), handles client
 * frames, and fans each `ChatEvent` out to the sockets of its conversation only.
 */
export class SocketHub {
  private readonly server: WebSocketServer;
  private readonly rooms = new Map<string, Set<Connection>>();
  private closing = false;

  constructor(private readonly options: HubOptions) {
    // Somewhat above the frame limit, so an oversize frame gets an error frame instead of 1009.
    this.server = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes * 4 });
  }

  /** The HTTP server's `upgrade` listener. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const target = parseSocketUrl(request.url ?? '');
    if (!target || this.closing) {
      refuseUpgrade(socket, target ? 503 : 404);
      return;
    }
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
      return await authenticate(this.options.tokens, this.options.store, target.token);
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
    const access = isUuid(conversationId)
      ? this.options.chat.canJoin(verdict.userId, conversationId)
      : 'not_found';
    if (access !== 'ok') {
      const code = access === 'not_found' ? CloseCode.notFound : CloseCode.forbidden;
      log.info({ url, code, userId: verdict.userId }, 'socket refused');
      ws.close(code, access === 'not_found' ? 'conversation not found' : 'not a participant');
      return;
    }
    this.open(new Connection(ws, verdict.userId, conversationId), verdict.exp * 1000);
    log.info({ url, userId: verdict.userId }, 'socket opened');
  }

  private open(connection: Connection, expiresAtMs: number): void {
    const { socket, conversationId } = connection;
    let room = this.rooms.get(conversationId);
    if (!room) {
      room = new Set();
      this.rooms.set(conversationId, room);
    }
    room.add(connection);
    const context = {
      chat: this.options.chat,
      maxFrameBytes: this.options.maxFrameBytes,
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
      this.options.log.info({ conversationId, userId: connection.userId, code }, 'socket closed');
    });
    connection.expireAt(expiresAtMs);
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
