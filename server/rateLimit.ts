import { performance } from 'node:perf_hooks';
import type { RateLimit } from './config';

/** Milliseconds on a monotonic clock: a wall-clock step must not refill or drain a bucket. */
export type Clock = () => number;

const monotonic: Clock = () => performance.now();

/** What taking from a bucket answers: allowed, or how long until one more would be. */
export type Verdict = { ok: true } | { ok: false; retryAfterMs: number };

const ALLOWED: Verdict = { ok: true };

/**
 * A token bucket: starts full with `burst` tokens, refills at `perSecond`,
 * and a refused take costs nothing.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock = monotonic,
  ) {
    this.tokens = limit.burst;
    this.updatedAt = clock();
  }

  private refill(): void {
    const now = this.clock();
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.limit.burst, this.tokens + elapsedSeconds * this.limit.perSecond);
    this.updatedAt = now;
  }

  /** How long until a token is there (0 when one is there now). */
  waitMs(): number {
    this.refill();
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) / this.limit.perSecond) * 1000);
  }

  take(): Verdict {
    const wait = this.waitMs();
    if (wait > 0) return { ok: false, retryAfterMs: wait };
    this.tokens -= 1;
    return ALLOWED;
  }

  /** Gives a token back (e.g. a login that turned out to be right). */
  refund(): void {
    this.refill();
    this.tokens = Math.min(this.limit.burst, this.tokens + 1);
  }

  /** Whether the bucket is full again, so forgetting it changes nothing. */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.limit.burst;
  }
}

/**
 * Takes one token from every bucket, or from none: a refusal answers the
 * longest wait among the buckets that are empty.
 */
export function takeAll(buckets: readonly TokenBucket[]): Verdict {
  const wait = Math.max(0, ...buckets.map((bucket) => bucket.waitMs()));
  if (wait > 0) return { ok: false, retryAfterMs: wait };
  for (const bucket of buckets) bucket.take();
  return ALLOWED;
}

// Beyond this many keys, full buckets are forgotten (and, if that is not enough, the oldest).
const DEFAULT_MAX_KEYS = 10_000;

/**
 * One token bucket per key (a user id, a username, an address), created on
 * first use. Memory stays bounded: past `maxKeys` keys, buckets that have
 * refilled are dropped, which loses nothing since a new bucket starts full.
 */
export class KeyedBuckets<Key> {
  private readonly buckets = new Map<Key, TokenBucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
    private readonly clock: Clock = monotonic,
  ) {}

  /** The bucket of `key`, created full if there is none. */
  get(key: Key): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.prune();
      bucket = new TokenBucket(this.limit, this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  take(key: Key): Verdict {
    return this.get(key).take();
  }

  get size(): number {
    return this.buckets.size;
  }

  private prune(): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.isFull()) this.buckets.delete(key);
    }
    // Still full of active keys (a spray of usernames): drop the oldest tenth.
    const target = Math.floor(this.maxKeys * 0.9);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= target) break;
      this.buckets.delete(key);
    }
  }
}

// How long a refused REST request is held before its 429 goes out.
const MIN_HOLD_MS = 250;
const MAX_HOLD_MS = 1000;

/**
 * Waits before a 429 is answered (a tarpit): a client that sends one request
 * after another on each connection, as HTTP/1.1 clients do, is slowed to a few
 * refusals per second per connection, so answering a flood costs the server
 * little. Held between 250 ms and 1 s, never longer than the wait it announces
 * by much.
 */
export function holdRefusal(retryAfterMs: number): Promise<void> {
  const ms = Math.min(MAX_HOLD_MS, Math.max(MIN_HOLD_MS, retryAfterMs));
  return new Promise((resolve) => setTimeout(resolve, ms));
}
