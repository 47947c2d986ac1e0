import WebSocket from 'ws';
import type { ServerFrame } from '../events';

// setTimeout fires at once for delays above 2^31-1 ms; longer waits are done in steps.
const MAX_TIMER_DELAY = 2_147_483_647;

/** Close codes of the contract. */
export const CloseCode = {
  goingAway: 1001,
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
} as const;

/** One open socket of one user on one conversation. */
export class Connection {
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly socket: WebSocket,
    readonly userId: number,
    readonly conversationId: string,
  ) {}

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

  dispose(): void {
    clearTimeout(this.expiryTimer);
  }
}
