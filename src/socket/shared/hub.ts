import type { ChatSocket, SocketFactory } from '../transport';
import { socketKey } from './protocol';

/** A virtual socket served by the hub: which tab's member it belongs to, and its id. */
export interface Subscriber {
  member: string;
  sid: string;
}

/** What the hub reports; the membership delivers it to its own tab or relays it to the others. */
export interface HubOutput {
  opened(subscribers: Subscriber[]): void;
  /** A frame of the real socket `key`, for every subscriber that is open. */
  frame(key: string, subscribers: Subscriber[], data: string): void;
  closed(subscribers: Subscriber[], code: number, reason: string): void;
  errored(subscribers: Subscriber[], message: string): void;
}

interface RealSocket {
  key: string;
  socket: ChatSocket | null;
  open: boolean;
  subscribers: Map<string, Subscriber>;
}

const NORMAL_CLOSURE = 1000;
const ABNORMAL_CLOSURE = 1006;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function closeQuietly(socket: ChatSocket | null, code?: number, reason?: string): void {
  try {
    socket?.close(code, reason);
  } catch {
    // Being abandoned either way.
  }
}

/**
 * The leader's real sockets: one per distinct URL path, reference-counted
 * across every tab's virtual sockets of that path, opened with the inner
 * factory when the first subscriber comes and closed when the last leaves.
 * Knows nothing of channels: the membership tells it who subscribes and
 * relays what it reports.
 */
export class SocketHub {
  private readonly sockets = new Map<string, RealSocket>();
  private readonly bySid = new Map<string, RealSocket>();
  private stopped = false;

  constructor(
    private readonly inner: SocketFactory,
    private readonly output: HubOutput,
  ) {}

  /** How many real sockets are open or opening. */
  get size(): number {
    return this.sockets.size;
  }

  subscribe(subscriber: Subscriber, url: string): void {
    if (this.stopped || this.bySid.has(subscriber.sid)) return;
    const key = socketKey(url);
    const existing = this.sockets.get(key);
    if (existing) {
      existing.subscribers.set(subscriber.sid, subscriber);
      this.bySid.set(subscriber.sid, existing);
      // Reported later, as a socket reports its open: the caller is still inside the factory call.
      if (existing.open)
        queueMicrotask(() => {
          if (this.bySid.get(subscriber.sid) === existing) this.output.opened([subscriber]);
        });
      return;
    }
    const entry: RealSocket = { key, socket: null, open: false, subscribers: new Map() };
    entry.subscribers.set(subscriber.sid, subscriber);
    this.sockets.set(key, entry);
    this.bySid.set(subscriber.sid, entry);
    try {
      entry.socket = this.inner(url, {
        onOpen: () => {
          if (this.sockets.get(key) !== entry || entry.open) return;
          entry.open = true;
          this.output.opened([...entry.subscribers.values()]);
        },
        onMessage: (data) => {
          if (this.sockets.get(key) === entry && entry.open)
            this.output.frame(key, [...entry.subscribers.values()], data);
        },
        onClose: (code, reason) => {
          if (this.sockets.get(key) === entry) this.end(entry, code, reason);
        },
        onError: (message) => {
          if (this.sockets.get(key) !== entry) return;
          // Not waiting for the close: some clients never send it, and the subscribers fault at once anyway.
          const subscribers = this.remove(entry);
          closeQuietly(entry.socket);
          this.output.errored(subscribers, message || 'WebSocket error');
          this.output.closed(subscribers, ABNORMAL_CLOSURE, '');
        },
      });
    } catch (error) {
      const subscribers = this.remove(entry);
      const message = `cannot open the socket: ${describe(error)}`;
      queueMicrotask(() => {
        this.output.errored(subscribers, message);
        this.output.closed(subscribers, ABNORMAL_CLOSURE, '');
      });
      return;
    }
    // The socket failed or was given up before the factory returned.
    if (this.sockets.get(key) !== entry) closeQuietly(entry.socket);
  }

  /** Sends over the subscriber's real socket; false when there is none open or it threw. */
  send(sid: string, data: string): boolean {
    const entry = this.bySid.get(sid);
    if (!entry?.open || !entry.socket) return false;
    try {
      entry.socket.send(data);
      return true;
    } catch (error) {
      // A socket that cannot send is broken for everyone on it.
      this.output.errored([...entry.subscribers.values()], `send failed: ${describe(error)}`);
      this.end(entry, ABNORMAL_CLOSURE, '', true);
      return false;
    }
  }

  /**
   * A virtual socket closed. A plain close (its owner is done) only drops a
   * subscriber, and the last one closes the real socket. A `fault` (any
   * close but 1000: a heartbeat timeout, no echo, an attempt that never
   * opened) means the socket seems dead, and it is as dead for every other
   * tab: it closes for all of them, so each reconnects and catches up
   * instead of sharing a half-open socket forever.
   */
  unsubscribe(sid: string, fault?: { code: number | undefined; reason: string }): void {
    const entry = this.bySid.get(sid);
    if (!entry) return;
    this.bySid.delete(sid);
    entry.subscribers.delete(sid);
    if (entry.subscribers.size > 0 && !fault) return;
    const others = this.remove(entry);
    const code = fault ? fault.code : NORMAL_CLOSURE;
    // Browsers accept only 1000 and 3000–4999 from a client.
    if (code === undefined || !(code === NORMAL_CLOSURE || (code >= 3000 && code < 5000)))
      closeQuietly(entry.socket);
    else closeQuietly(entry.socket, code, fault?.reason ?? '');
    if (others.length > 0)
      this.output.closed(
        others,
        ABNORMAL_CLOSURE,
        `restarted by another tab: ${fault?.reason ?? ''}`,
      );
  }

  /** A tab went away: its virtual sockets no longer count. */
  dropMember(member: string): void {
    for (const [sid, entry] of [...this.bySid]) {
      if (entry.subscribers.get(sid)?.member === member) this.unsubscribe(sid);
    }
  }

  /** Whether this virtual socket is served (subscribed to a real socket). */
  has(sid: string): boolean {
    return this.bySid.has(sid);
  }

  /**
   * Leadership ends: every real socket closes (1000: this client is done
   * with it) and every subscriber is returned, to be told its socket closed.
   */
  stop(): Subscriber[] {
    this.stopped = true;
    const subscribers: Subscriber[] = [];
    for (const entry of [...this.sockets.values()]) {
      subscribers.push(...this.remove(entry));
      closeQuietly(entry.socket, NORMAL_CLOSURE, '');
    }
    return subscribers;
  }

  private end(entry: RealSocket, code: number, reason: string, closeSocket = false): void {
    const subscribers = this.remove(entry);
    if (closeSocket) closeQuietly(entry.socket);
    this.output.closed(subscribers, code, reason);
  }

  private remove(entry: RealSocket): Subscriber[] {
    this.sockets.delete(entry.key);
    const subscribers = [...entry.subscribers.values()];
    for (const { sid } of subscribers) this.bySid.delete(sid);
    entry.subscribers.clear();
    return subscribers;
  }
}
