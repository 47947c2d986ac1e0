import type { PresencePayload } from './events';
import { isoTime } from './serialize';
import type { Store } from './store';

/** [ext] A user came online or went offline: `payload` for the streams of `recipients`. */
export interface PresenceChange {
  recipients: readonly number[];
  payload: PresencePayload;
}

/** What the presence tracker needs. */
export interface PresenceOptions {
  store: Store;
  /** Wall clock (epoch ms) for `last_seen_at`. */
  now: () => number;
  /** How long after their last socket closed a user is announced offline. */
  offlineDelayMs: number;
}

/**
 * [ext] Who is online: a user with at least one open socket of any kind. The
 * first socket announces them online; the last one closing announces them
 * offline only after `offlineDelayMs`, so a reconnect (a reload, a network
 * blip) does not flap. `last_seen_at`, when their last socket closed, is kept
 * in the database. Changes go to everyone who shares a conversation with them.
 */
export class PresenceTracker {
  /** Open sockets per online user. */
  private readonly sockets = new Map<number, number>();
  /** Users whose last socket closed, waiting out the delay: when it closed, and the timer. */
  private readonly leaving = new Map<number, { closedAt: number; timer: NodeJS.Timeout }>();
  private readonly listeners = new Set<(change: PresenceChange) => void>();
  private stopped = false;

  constructor(private readonly options: PresenceOptions) {}

  /** Calls `listener` with every announced change; returns the unsubscribe function. */
  subscribe(listener: (change: PresenceChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A socket of `userId` opened. */
  opened(userId: number): void {
    const count = (this.sockets.get(userId) ?? 0) + 1;
    this.sockets.set(userId, count);
    if (count > 1 || this.stopped) return;
    const pending = this.leaving.get(userId);
    if (pending) {
      // Back within the delay: they were never announced offline, so nothing to announce.
      clearTimeout(pending.timer);
      this.leaving.delete(userId);
      return;
    }
    this.announce(userId);
  }

  /** A socket of `userId` closed. */
  closed(userId: number): void {
    const count = (this.sockets.get(userId) ?? 0) - 1;
    if (count > 0) {
      this.sockets.set(userId, count);
      return;
    }
    this.sockets.delete(userId);
    const closedAt = this.options.now();
    if (this.stopped) {
      this.options.store.setLastSeen(userId, closedAt);
      return;
    }
    const timer = setTimeout(() => this.goOffline(userId), this.options.offlineDelayMs);
    timer.unref();
    this.leaving.set(userId, { closedAt, timer });
  }

  private goOffline(userId: number): void {
    const pending = this.leaving.get(userId);
    if (!pending) return;
    this.leaving.delete(userId);
    this.options.store.setLastSeen(userId, pending.closedAt);
    this.announce(userId);
  }

  private announce(userId: number): void {
    const change = { recipients: this.options.store.sharers(userId), payload: this.state(userId) };
    if (change.recipients.length === 0) return;
    for (const listener of this.listeners) listener(change);
  }

  /** Whether `userId` counts as online (an open socket, or one closed within the delay). */
  isOnline(userId: number): boolean {
    return this.sockets.has(userId) || this.leaving.has(userId);
  }

  /** The presence of `userId` now. */
  state(userId: number): PresencePayload {
    const lastSeen = this.options.store.user(userId)?.last_seen_at ?? null;
    return {
      user_id: userId,
      online: this.isOnline(userId),
      last_seen_at: lastSeen === null ? null : isoTime(lastSeen),
    };
  }

  /** The presence of everyone who shares a conversation with `userId` (not them), by id. */
  sharedWith(userId: number): PresencePayload[] {
    return this.options.store.sharers(userId).map((id) => this.state(id));
  }

  /**
   * Stops announcing (the server is closing) and records `last_seen_at` for the
   * users waiting out the delay; sockets closing from now on record theirs at once.
   */
  stop(): void {
    this.stopped = true;
    for (const [userId, { closedAt, timer }] of this.leaving) {
      clearTimeout(timer);
      this.options.store.setLastSeen(userId, closedAt);
    }
    this.leaving.clear();
  }
}
