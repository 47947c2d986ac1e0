import type { ConnectionStatus } from '../state/model';
import { reconnectDelay } from './backoff';
import type { ClientFrame, DecodeResult, FrameCodec, ServerEvent } from './codec';
import { RAW_EXCERPT_LENGTH } from './codec';
import type { ChatEnvironment, TimerHandle } from './environment';
import type { ChatSocket, SocketFactory, SocketHandlers } from './transport';

/**
 * What the connection reports about itself. Every update is plain data, so
 * the caller can put it into Redux state as it is.
 *
 * - `connecting`: a socket is opening; `attempt` is 0 for the first socket
 *   (and after {@link ConversationConnection.reconnectNow}), n for the n-th
 *   reconnect attempt.
 * - `reconnecting`: waiting `nextDelayMs` before attempt `attempt`, after a
 *   close with `code` (null when the socket failed without one). `offline`
 *   is set while the wait is for the network rather than a timer.
 * - `failed`: given up. `retryable` is false for a refused token or access,
 *   where retrying cannot help.
 * - `closed`: closed by {@link ConversationConnection.close}.
 *
 * @example
 * ```ts
 * const onStatus = (update: ConnectionUpdate) => {
 *   if (update.status === 'failed') toast.error(update.reason);
 * };
 * ```
 */
export type ConnectionUpdate =
  | { status: 'connecting'; attempt: number }
  | { status: 'open' }
  | {
      status: 'reconnecting';
      attempt: number;
      nextDelayMs: number;
      code: number | null;
      reason: string;
      offline?: boolean;
    }
  | {
      status: 'failed';
      code: number | null;
      reason: string;
      retryable: boolean;
      /** A retryable failure tries again by itself after this long (the slow phase); else null. */
      nextDelayMs: number | null;
    }
  | { status: 'closed' };

/**
 * Everything a {@link ConversationConnection} is given: it owns no global
 * and no default, so the caller (the listener middleware, or a test) decides
 * the socket, the codec, the clock and the callbacks.
 *
 * @example
 * ```ts
 * const options: ConnectionOptions = {
 *   conversationId,
 *   url: (token) => conversationSocketUrl('https://chat.example.com', conversationId, token),
 *   getToken,
 *   refreshToken,
 *   factory: createWebSocketFactory(),
 *   codec: defaultFrameCodec,
 *   environment: createDefaultEnvironment(),
 *   ...defaultReconnectOptions,
 *   heartbeat: false,
 *   onStatus, onEvents, onProtocolError, onOpen,
 * };
 * ```
 */
export interface ConnectionOptions {
  conversationId: string;
  /** Builds the socket URL with the token current at the time of each attempt. */
  url(token: string | null): string;
  /** [ext] Subprotocols to offer with the token current at the time of each attempt (none by default). */
  protocols?(token: string | null): string[] | undefined;
  getToken(): string | null;
  /**
   * Resolves true when a fresh token is available from `getToken`. May reject
   * (read as false). Given the token the server rejected, so a token that was
   * refreshed meanwhile (say, by a REST 401) is not refreshed a second time.
   */
  refreshToken(rejectedToken: string | null): Promise<boolean>;
  factory: SocketFactory;
  codec: FrameCodec;
  environment: ChatEnvironment;
  /** Reconnect attempts after a fault before `failed` (the fast phase). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** After the fast phase, one more attempt this often (0: only on request). Default 30 s. */
  slowRetryMs?: number;
  /** An attempt not open within this long is abandoned as a fault. Default 10 s. */
  connectTimeoutMs?: number;
  /** `ping` every `intervalMs`; no frame within `timeoutMs` of a ping means the socket is dead. */
  heartbeat: false | { intervalMs: number; timeoutMs: number };
  onStatus(update: ConnectionUpdate): void;
  /**
   * The frames decoded within one macrotask, in arrival order, delivered
   * together (one dispatch for a burst of 1,000). `pong` frames are not included.
   */
  onEvents(events: ServerEvent[]): void;
  /** A frame was dropped because it could not be decoded; the connection stays open. */
  onProtocolError(error: { reason: string; raw: string }): void;
  /**
   * The socket opened. `reconnected` is false only for the very first open
   * of this instance: after any other, events may have been missed, so the
   * caller catches up.
   */
  onOpen(info: { reconnected: boolean }): void;
  /**
   * Receives what one of the callbacks above threw. The connection catches
   * it so that its own state stays consistent. Default: `console.error`.
   */
  onCallbackError?(error: unknown, callback: string): void;
}

/** `reconnecting` is split in two internally: waiting for a timer or the network, and waiting for a token. */
type Phase = ConnectionStatus | 'refreshing';

type TimerName = 'retry' | 'connect' | 'ping' | 'pong' | 'flush';

/**
 * One socket attempt. Handlers compare their link with the current one, so
 * a replaced or abandoned socket can report whatever it likes: it is ignored.
 */
interface Link {
  socket: ChatSocket | null;
  /** The token the socket was opened with. */
  token: string | null;
}

const HEARTBEAT_TIMEOUT = { code: 4000, reason: 'heartbeat timeout' } as const;
const CONNECT_TIMEOUT_REASON = 'the connection did not open in time';
const NORMAL_CLOSURE = 1000;
/**
 * The longest a burst's frames wait to be coalesced into one batch: three
 * animation frames. A browser receives a burst of 1,000 frames over 30–80 ms;
 * with 16 ms it went to the store (and the list) in four or five batches,
 * with 48 in two or three. Live traffic never waits (see
 * {@link COALESCE_MIN_FRAMES}), so the latency of a single message does not
 * move.
 */
export const MAX_COALESCE_MS = 48;
/**
 * Below this many buffered frames the flush never waits: live traffic brings
 * a frame or two per read, and each of them goes out at once. (32 split a
 * browser's burst of 1,000 into four or five batches: its second read often
 * brings a score of frames, and went out alone.)
 */
export const COALESCE_MIN_FRAMES = 8;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function closeQuietly(socket: ChatSocket, code?: number, reason?: string): void {
  try {
    socket.close(code, reason);
  } catch {
    // The socket is being abandoned either way.
  }
}

/**
 * The WebSocket of one conversation, without Redux: it opens the socket,
 * decodes and batches frames, keeps the connection alive and reconnects the
 * way the contract asks. The listener middleware owns one per subscribed
 * conversation and turns its callbacks into actions.
 *
 * - Faults (a server close with any code but 4401/4403/4404, a network
 *   error, a heartbeat timeout, an attempt not open within
 *   `connectTimeoutMs`, a socket that throws) reconnect with exponential
 *   backoff (equal jitter), up to `maxAttempts` times; a successful open
 *   resets the count. Then `failed` with `retryable: true`, and one more
 *   attempt every `slowRetryMs` (the slow phase) until it opens or closes.
 * - 4401: the token is refreshed once (not at all when it changed since the
 *   socket opened) and the socket reopened at once; a failed refresh, or
 *   another 4401 before an open, is `failed` (`retryable: false`). 4403 and
 *   4404 are `failed` without a retry; [ext] 4409 (too many sockets of the
 *   user, this the oldest) is `failed`, retryable on request only.
 * - While the environment is offline no attempt is spent; going online, or
 *   the page becoming visible, retries at once.
 * - Nothing throws out of its methods or its socket handlers, and after
 *   {@link close} no timer and no environment listener is left.
 *
 * @example
 * ```ts
 * const connection = new ConversationConnection({ ...options, conversationId: 'c1' });
 * connection.connect();
 * connection.send({ type: 'message:send', payload: { text: 'Hi', reply_to: null, client_id } });
 * connection.close();
 * ```
 */
export class ConversationConnection {
  readonly conversationId: string;
  private readonly options: ConnectionOptions;
  private phase: Phase = 'idle';
  private link: Link | null = null;
  /** Reconnect attempts started since the last open (or the last manual start). */
  private attempts = 0;
  private hasOpened = false;
  private refreshedSinceOpen = false;
  private refreshTicket: object | null = null;
  private failedRetryable = false;
  private lastFault: { code: number | null; reason: string } = { code: null, reason: '' };
  private readonly timers = new Map<TimerName, TimerHandle>();
  private buffer: ServerEvent[] = [];
  /** When the first frame of the buffer arrived (environment clock). */
  private bufferedSince = 0;
  /** Frames arrived after the task that armed the flush: the socket is still bursting. */
  private framesSinceArmed = false;
  /** False until the task that armed the flush is over (a microtask marks it). */
  private armingTaskOver = false;
  /** The flush already waited a turn for this buffer. */
  private heldBack = false;
  private unsubscribers: Array<() => void> = [];

  constructor(options: ConnectionOptions) {
    this.options = options;
    this.conversationId = options.conversationId;
  }

  /**
   * Where the connection is in its lifecycle (`idle` before the first
   * {@link connect}; a token refresh reads as `reconnecting`).
   *
   * @example
   * ```ts
   * if (connection.status === 'failed') connection.reconnectNow();
   * ```
   */
  get status(): ConnectionStatus {
    return this.phase === 'refreshing' ? 'reconnecting' : this.phase;
  }

  /**
   * Whether frames can be sent now.
   *
   * @example
   * ```ts
   * if (!connection.isOpen) sendOverRest(message);
   * ```
   */
  get isOpen(): boolean {
    return this.phase === 'open' && Boolean(this.link?.socket);
  }

  /**
   * Opens the socket and starts following the environment's online and
   * visibility signals. Does nothing unless the connection is `idle` or
   * `closed`; reopening a closed connection counts as a reconnect for
   * {@link ConnectionOptions.onOpen}.
   *
   * @example
   * ```ts
   * connection.connect();
   * ```
   */
  connect(): void {
    if (this.phase !== 'idle' && this.phase !== 'closed') return;
    this.attempts = 0;
    this.refreshedSinceOpen = false;
    this.subscribeEnvironment();
    this.openSocket(0);
  }

  /**
   * Sends a frame when the socket is open. Returns false otherwise (the
   * caller then falls back, e.g. to REST), and also when the socket throws,
   * which is handled as a fault.
   *
   * @example
   * ```ts
   * const sent = connection.send({ type: 'message:send', payload: { text, reply_to: null, client_id } });
   * ```
   */
  send(frame: ClientFrame): boolean {
    const socket = this.link?.socket;
    if (this.phase !== 'open' || !socket) return false;
    let data: string;
    try {
      data = this.options.codec.encode(frame);
    } catch {
      // A frame the codec cannot encode is the caller's problem, not the socket's.
      return false;
    }
    try {
      socket.send(data);
      return true;
    } catch (error) {
      this.fault(null, `send failed: ${describe(error)}`, {});
      return false;
    }
  }

  /**
   * The manual retry: from `failed` or `reconnecting`, forgets the attempts
   * spent and opens a socket at once. Ignored in other states (including
   * during a token refresh, which reconnects at once by itself).
   *
   * @example
   * ```ts
   * retryButton.addEventListener('click', () => connection.reconnectNow());
   * ```
   */
  reconnectNow(): void {
    if (this.phase !== 'failed' && this.phase !== 'reconnecting') return;
    this.stopTimer('retry');
    this.attempts = 0;
    this.refreshedSinceOpen = false;
    this.openSocket(0);
  }

  /**
   * Abandons an open socket that seems dead (say, a send got no echo) and
   * reconnects with backoff, as after a heartbeat timeout. Ignored unless open.
   *
   * @example
   * ```ts
   * connection.restart('no echo within 10 s');
   * ```
   */
  restart(reason: string): void {
    if (this.phase !== 'open') return;
    this.fault(HEARTBEAT_TIMEOUT.code, reason, { code: HEARTBEAT_TIMEOUT.code, reason });
  }

  /**
   * Our own close (code 1000): never reconnects, drops frames not yet
   * delivered, clears every timer, stops following the environment, and
   * reports `closed`.
   *
   * @example
   * ```ts
   * connection.close(); // the last subscriber left
   * ```
   */
  close(): void {
    if (this.phase === 'idle' || this.phase === 'closed') return;
    const socket = this.link?.socket;
    this.link = null;
    this.phase = 'closed';
    this.refreshTicket = null;
    this.buffer = [];
    for (const name of [...this.timers.keys()]) this.stopTimer(name);
    for (const unsubscribe of this.unsubscribers.splice(0)) {
      try {
        unsubscribe();
      } catch {
        // A broken unsubscribe must not keep the rest subscribed.
      }
    }
    if (socket) closeQuietly(socket, NORMAL_CLOSURE, '');
    this.emitStatus({ status: 'closed' });
  }

  private openSocket(attempt: number): void {
    const link: Link = { socket: null, token: null };
    this.link = link;
    this.phase = 'connecting';
    this.emitStatus({ status: 'connecting', attempt });
    if (this.link !== link) return;
    // A handshake into a black hole would otherwise stay `connecting` for a minute.
    this.startTimer('connect', this.options.connectTimeoutMs ?? 10_000, () => {
      if (this.link === link && this.phase === 'connecting')
        this.fault(null, CONNECT_TIMEOUT_REASON, {});
    });
    let socket: ChatSocket;
    try {
      link.token = this.options.getToken();
      const url = this.options.url(link.token);
      const protocols = this.options.protocols?.(link.token);
      socket = protocols
        ? this.options.factory(url, this.handlersFor(link), { protocols })
        : this.options.factory(url, this.handlersFor(link));
    } catch (error) {
      if (this.link === link) this.fault(null, `cannot open the socket: ${describe(error)}`);
      return;
    }
    if (this.link === link) link.socket = socket;
    // The socket failed or was closed before the factory even returned.
    else closeQuietly(socket);
  }

  private handlersFor(link: Link): SocketHandlers {
    return {
      onOpen: () => {
        if (this.link === link) this.handleOpen(link);
      },
      onMessage: (data) => {
        if (this.link === link) this.handleFrame(data);
      },
      onClose: (code, reason) => {
        if (this.link === link) this.handleClose(code, reason);
      },
      onError: (message) => {
        // Browsers follow an error with a close; not waiting for it also covers clients that do not.
        if (this.link === link) this.fault(null, message || 'WebSocket error', {});
      },
    };
  }

  private handleOpen(link: Link): void {
    if (this.phase !== 'connecting') return;
    this.stopTimer('connect');
    this.phase = 'open';
    this.attempts = 0;
    this.refreshedSinceOpen = false;
    const reconnected = this.hasOpened;
    this.hasOpened = true;
    this.startHeartbeat();
    this.emitStatus({ status: 'open' });
    if (this.link !== link) return;
    this.notify('onOpen', () => this.options.onOpen({ reconnected }));
  }

  private handleFrame(data: string): void {
    // Any frame at all proves the connection alive, not only a pong.
    this.stopTimer('pong');
    let result: DecodeResult;
    try {
      result = this.options.codec.decode(data);
    } catch (error) {
      result = {
        ok: false,
        reason: `the codec threw: ${describe(error)}`,
        raw: data.slice(0, RAW_EXCERPT_LENGTH),
      };
    }
    if (!result.ok) {
      const { reason, raw } = result;
      this.notify('onProtocolError', () => this.options.onProtocolError({ reason, raw }));
      return;
    }
    if (result.event.type === 'pong') return;
    if (this.buffer.length === 0) this.bufferedSince = this.options.environment.now();
    this.buffer.push(result.event);
    if (!this.timers.has('flush')) this.armFlush();
    else if (this.armingTaskOver) this.framesSinceArmed = true;
  }

  /**
   * The buffer goes out in a zero-delay timer: every frame of one socket read
   * in one batch. Once the buffer holds {@link COALESCE_MIN_FRAMES} or more
   * (a burst), the flush waits one more turn — once to see whether more
   * reads follow, and again for as long as they do, for at most
   * {@link MAX_COALESCE_MS}: each batch costs the store a dispatch (and the
   * page a render), so a burst goes out in a few large ones. Live traffic (a
   * few frames a read) is never held back.
   */
  private armFlush(): void {
    this.framesSinceArmed = false;
    this.armingTaskOver = false;
    queueMicrotask(() => {
      this.armingTaskOver = true;
    });
    this.startTimer('flush', 0, () => {
      const waited = this.options.environment.now() - this.bufferedSince;
      // The first turn of a burst-sized buffer always waits: the next read is often on its way.
      const arriving = this.framesSinceArmed || !this.heldBack;
      if (arriving && this.buffer.length >= COALESCE_MIN_FRAMES && waited < MAX_COALESCE_MS) {
        this.heldBack = true;
        this.armFlush();
      } else this.flush();
    });
  }

  private flush(): void {
    this.stopTimer('flush');
    this.heldBack = false;
    if (this.buffer.length === 0) return;
    const events = this.buffer;
    this.buffer = [];
    this.notify('onEvents', () => this.options.onEvents(events));
  }

  private handleClose(code: number, reason: string): void {
    if (code === 4401) {
      const rejected = this.link?.token ?? null;
      if (this.detach()) this.tokenRejected(reason, rejected);
    } else if (code === 4403 || code === 4404) {
      const fallback =
        code === 4403 ? 'not a participant of this conversation' : 'no such conversation';
      if (this.detach()) this.fail(code, reason || fallback, false);
    } else if (code === 4409) {
      // [ext] The user has too many sockets open and this was the oldest: reconnecting
      // on a timer would close another one (another tab's) in turn. Retry only on request.
      if (this.detach()) this.fail(code, reason || 'too many sockets', true, false);
    } else {
      // 1000 and 1001 included: only our own close is final, and a restarting server sends 1001.
      this.fault(code, reason || `the connection closed with code ${code}`);
    }
  }

  /**
   * Leaves the current socket: stops its heartbeat and delivers the frames
   * it already brought (they are valid, and the caller must not lose them).
   * `closeWith` closes the socket too, for faults the socket did not report itself.
   *
   * Returns false when a callback of those frames closed or restarted the
   * connection, which then must not be handled any further.
   */
  private detach(closeWith?: { code?: number; reason?: string }): boolean {
    const socket = this.link?.socket;
    this.link = null;
    this.stopTimer('connect');
    this.stopTimer('ping');
    this.stopTimer('pong');
    if (socket && closeWith) closeQuietly(socket, closeWith.code, closeWith.reason);
    this.flush();
    return this.phase !== 'closed' && this.link === null;
  }

  private fault(
    code: number | null,
    reason: string,
    closeWith?: { code?: number; reason?: string },
  ): void {
    if (!this.detach(closeWith)) return;
    this.lastFault = { code, reason };
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    const { code, reason } = this.lastFault;
    if (this.attempts >= this.options.maxAttempts) {
      this.fail(code, reason, true);
      return;
    }
    const attempt = this.attempts + 1;
    this.phase = 'reconnecting';
    if (!this.online()) {
      // Attempts made while offline would fail for certain; the online signal starts the next one.
      this.emitStatus({
        status: 'reconnecting',
        attempt,
        nextDelayMs: 0,
        code,
        reason,
        offline: true,
      });
      return;
    }
    const { baseDelayMs, maxDelayMs } = this.options;
    const nextDelayMs = reconnectDelay(attempt, { baseDelayMs, maxDelayMs }, () =>
      this.options.environment.random(),
    );
    this.startTimer('retry', nextDelayMs, () => this.retry());
    this.emitStatus({ status: 'reconnecting', attempt, nextDelayMs, code, reason });
  }

  private retry(): void {
    this.stopTimer('retry');
    this.attempts += 1;
    this.openSocket(this.attempts);
  }

  private tokenRejected(reason: string, rejectedToken: string | null): void {
    const detail = reason ? ` (${reason})` : '';
    if (this.refreshedSinceOpen) {
      this.fail(
        4401,
        `authentication failed: the server rejected the refreshed token${detail}`,
        false,
      );
      return;
    }
    this.refreshedSinceOpen = true;
    this.phase = 'refreshing';
    const ticket = {};
    this.refreshTicket = ticket;
    this.emitStatus({
      status: 'reconnecting',
      attempt: this.attempts + 1,
      nextDelayMs: 0,
      code: 4401,
      reason: reason || 'the token was rejected',
    });
    void this.refreshSafely(rejectedToken).then((refreshed) => {
      // Closed (and maybe reconnected) while the refresh ran: this answer is stale.
      if (this.refreshTicket !== ticket || this.phase !== 'refreshing') return;
      this.refreshTicket = null;
      if (refreshed) {
        // Outside the backoff budget: a fresh token deserves its one try at once.
        this.retry();
      } else {
        this.fail(4401, `authentication failed: the token could not be refreshed${detail}`, false);
      }
    });
  }

  private async refreshSafely(rejectedToken: string | null): Promise<boolean> {
    try {
      return (await this.options.refreshToken(rejectedToken)) === true;
    } catch {
      return false;
    }
  }

  private fail(code: number | null, reason: string, retryable: boolean, slowPhase = true): void {
    this.stopTimer('retry');
    this.phase = 'failed';
    this.failedRetryable = retryable;
    // The slow phase: a person may be away, and the server back in a minute.
    const slow = this.options.slowRetryMs ?? 30_000;
    const nextDelayMs = retryable && slowPhase && slow > 0 ? slow : null;
    if (nextDelayMs !== null) this.startTimer('retry', nextDelayMs, () => this.slowRetry());
    this.emitStatus({ status: 'failed', code, reason, retryable, nextDelayMs });
  }

  /** One attempt of the slow phase; a fault brings it back to `failed` with the next slow timer. */
  private slowRetry(): void {
    if (this.phase !== 'failed') return;
    if (!this.online()) {
      // The online signal retries at once; a timer while offline would fail for certain.
      this.startTimer('retry', this.options.slowRetryMs ?? 30_000, () => this.slowRetry());
      return;
    }
    this.openSocket(this.attempts + 1);
  }

  private startHeartbeat(): void {
    const { heartbeat } = this.options;
    if (heartbeat) this.startTimer('ping', heartbeat.intervalMs, () => this.ping());
  }

  private ping(): void {
    const { heartbeat } = this.options;
    const link = this.link;
    if (!heartbeat || !this.send({ type: 'ping' }) || this.link !== link) return;
    // Measured from the first unanswered ping, so a short interval cannot postpone it forever.
    if (!this.timers.has('pong')) {
      this.startTimer('pong', heartbeat.timeoutMs, () =>
        this.fault(HEARTBEAT_TIMEOUT.code, HEARTBEAT_TIMEOUT.reason, HEARTBEAT_TIMEOUT),
      );
    }
    this.startTimer('ping', heartbeat.intervalMs, () => this.ping());
  }

  private subscribeEnvironment(): void {
    const { environment } = this.options;
    const subscriptions = [
      () => environment.subscribeOnline((online) => this.onlineChanged(online)),
      () => environment.subscribeVisibility((visible) => this.visibilityChanged(visible)),
    ];
    for (const subscribe of subscriptions) {
      try {
        this.unsubscribers.push(subscribe());
      } catch {
        // Without the signal the connection still works; it only retries on its timers.
      }
    }
  }

  private onlineChanged(online: boolean): void {
    if (online) {
      this.retryAtOnce();
    } else if (this.phase === 'reconnecting' && this.timers.has('retry')) {
      this.stopTimer('retry');
      const { code, reason } = this.lastFault;
      const attempt = this.attempts + 1;
      this.emitStatus({
        status: 'reconnecting',
        attempt,
        nextDelayMs: 0,
        code,
        reason,
        offline: true,
      });
    }
  }

  private visibilityChanged(visible: boolean): void {
    if (visible && this.online()) this.retryAtOnce();
  }

  /** Someone is looking, or the network is back: waiting longer only delays the catch-up. */
  private retryAtOnce(): void {
    if (this.phase === 'reconnecting') this.retry();
    else if (this.phase === 'failed' && this.failedRetryable) this.reconnectNow();
  }

  private online(): boolean {
    try {
      return this.options.environment.isOnline();
    } catch {
      return true;
    }
  }

  private startTimer(name: TimerName, ms: number, run: () => void): void {
    this.stopTimer(name);
    const handle = this.options.environment.setTimeout(() => {
      this.timers.delete(name);
      run();
    }, ms);
    this.timers.set(name, handle);
  }

  private stopTimer(name: TimerName): void {
    if (!this.timers.has(name)) return;
    this.options.environment.clearTimeout(this.timers.get(name));
    this.timers.delete(name);
  }

  private emitStatus(update: ConnectionUpdate): void {
    this.notify('onStatus', () => this.options.onStatus(update));
  }

  /** Calls back without letting the caller's exception break the connection's state. */
  private notify(callback: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      try {
        if (this.options.onCallbackError) this.options.onCallbackError(error, callback);
        else console.error(`unet-chat-redux: ${callback} threw`, error);
      } catch {
        // Nothing is left to report to.
      }
    }
  }
}
