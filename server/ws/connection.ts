import WebSocket from 'ws';
import type { ServerFrame } from '../events';
import type { TokenBucket } from '../rateLimit';

// setTimeout fires at once for delays above 2^31-1 ms; longer waits are done in steps.
const MAX_TIMER_DELAY = 2_147_483_647;

/** Close codes of the contract, plus [ext] 4409. */
export const CloseCode = {
  goingAway: 1001,
  unauthorized: 4401,
  /** While open: the user was removed from the conversation. */
  forbidden: 4403,
  /**
   * The conversation does not exist or is not visible to the user; or it was deleted.
   * Also the user stream of a server in seed-only mode.
   */
  notFound: 4404,
  /** [ext] The user opened more sockets than `maxSocketsPerUser`: this, their oldest, is closed. */
  tooManySockets: 4409,
} as const;

/** Who a socket belongs to. */
export interface ConnectionOwner {
  userId: number;
  /** The login session of the token that opened it (null for a token without one). */
  sessionId: string | null;
}

/** One open socket of one user: on one conversation, or [ext] their user stream. */
export class Connection {
  private expiryTimer: NodeJS.Timeout | undefined;
  private holdTimer: NodeJS.Timeout | undefined;
  readonly userId: number;
  readonly sessionId: string | null;

  constructor(
    readonly socket: WebSocket,
    owner: ConnectionOwner,
    /** The conversation of a conversation socket; null for a user stream. */
    readonly conversationId: string | null,
    /** The `message:send` budget of this socket alone (null: unlimited). */
    readonly sendBucket: TokenBucket | null,
  ) {
    this.userId = owner.userId;
    this.sessionId = owner.sessionId;
  }

  send(frame: ServerFrame): void {
    this.sendEncoded(JSON.stringify(frame));
  }

  /** Sends an already encoded frame (fan-out encodes once for every socket). */
  sendEncoded(data: string): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(data);
  }

  close(code: number, reason: string): void {
    if (
      this.socket.readyState === WebSocket.OPEN ||
      this.socket.readyState === WebSocket.CONNECTING
    ) {
      this.socket.close(code, reason);
    }
  }

  /** Closes the socket with 4401 when the access token it was opened with expires. */
  expireAt(expiresAtMs: number): void {
    clearTimeout(this.expiryTimer);
    const delay = expiresAtMs - Date.now();
    if (delay <= 0) {
      this.close(CloseCode.unauthorized, 'token expired');
      return;
    }
    this.expiryTimer = setTimeout(
      () => this.expireAt(expiresAtMs),
      Math.min(delay, MAX_TIMER_DELAY),
    );
  }

  /**
   * Stops reading this socket for `ms`: frames already read are still answered,
   * the rest wait in TCP, which slows the sender down. A flood then costs the
   * server a bounded slice of its time instead of stalling everyone else.
   */
  holdReading(ms: number): void {
    if (this.holdTimer !== undefined) return;
    this.socket.pause();
    this.holdTimer = setTimeout(() => {
      this.holdTimer = undefined;
      this.socket.resume();
    }, ms);
  }

  dispose(): void {
    clearTimeout(this.expiryTimer);
    clearTimeout(this.holdTimer);
  }
}
