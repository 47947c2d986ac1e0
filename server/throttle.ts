/**
 * Lets one event per key through every `intervalMs`; the rest are dropped.
 * Memory stays bounded: past `maxKeys` keys, those whose interval is over are
 * forgotten (which changes nothing), then the oldest.
 *
 * @example
 * const typing = new Throttle<string>(3000, Date.now);
 * if (typing.pass(`${userId} ${conversationId}`)) relay();
 */
export class Throttle<Key> {
  /** Last time each key passed, oldest first (a key that passes moves to the end). */
  private readonly passedAt = new Map<Key, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Whether `key` may pass now; if so, its interval starts again. */
  pass(key: Key): boolean {
    const now = this.now();
    const last = this.passedAt.get(key);
    // A clock stepped back lets the key pass rather than holding it until the clock catches up.
    if (last !== undefined && now >= last && now - last < this.intervalMs) return false;
    this.passedAt.delete(key);
    if (this.passedAt.size >= this.maxKeys) this.prune(now);
    this.passedAt.set(key, now);
    return true;
  }

  /** Starts `key` afresh: its next event passes at once. */
  forget(key: Key): void {
    this.passedAt.delete(key);
  }

  get size(): number {
    return this.passedAt.size;
  }

  private prune(now: number): void {
    for (const [key, at] of this.passedAt) {
      if (now < at || now - at >= this.intervalMs) this.passedAt.delete(key);
    }
    const target = Math.floor(this.maxKeys * 0.9);
    for (const key of this.passedAt.keys()) {
      if (this.passedAt.size <= target) break;
      this.passedAt.delete(key);
    }
  }
}
