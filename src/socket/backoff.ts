/**
 * Reconnect timing: "equal jitter" — half of the exponential cap, plus a
 * uniformly random share of the other half. The random half spreads the
 * reconnects of many clients after a server restart; the fixed half makes
 * the delays really grow, so the seed's 5 attempts span at least
 * 0.5 + 1 + 2 + 4 + 8 = 15.5 s with the default 1 s base (full jitter could
 * spend all five within a second of a 7 s restart).
 */

/**
 * The delays of {@link reconnectDelay}.
 *
 * @example
 * ```ts
 * const backoff: BackoffOptions = { baseDelayMs: 500, maxDelayMs: 10_000 };
 * ```
 */
export interface BackoffOptions {
  /** The cap of the first attempt; it doubles with every further attempt. */
  baseDelayMs: number;
  /** No delay is ever longer than this. */
  maxDelayMs: number;
}

/**
 * How persistently a connection reconnects.
 *
 * @example
 * ```ts
 * const patient: ReconnectOptions = { ...defaultReconnectOptions, maxAttempts: 10 };
 * ```
 */
export interface ReconnectOptions extends BackoffOptions {
  /** Reconnect attempts after a fault (the fast phase) before the connection reports `failed`. */
  maxAttempts: number;
  /** After the fast phase: one more attempt this often while anyone is subscribed. */
  slowRetryMs: number;
  /** An attempt that has not opened within this long is abandoned as a fault. */
  connectTimeoutMs: number;
}

/**
 * The seed's 5 attempts, starting from a cap of 1 s and never waiting more than 30 s.
 *
 * @example
 * ```ts
 * new ConversationConnection({ ...defaultReconnectOptions, ...rest });
 * ```
 */
export const defaultReconnectOptions: Readonly<ReconnectOptions> = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  slowRetryMs: 30_000,
  connectTimeoutMs: 10_000,
};

/**
 * The delay before reconnect attempt `attempt` (counted from 1), with equal
 * jitter: `cap / 2 + random() * cap / 2` where
 * `cap = min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))`, rounded down to
 * whole milliseconds. An out-of-range `random()` is clamped to [0, 1], so a
 * bad source of randomness cannot produce a negative or endless wait.
 *
 * @example
 * ```ts
 * const options = { baseDelayMs: 1000, maxDelayMs: 30_000 };
 * reconnectDelay(1, options, () => 0); // 500
 * reconnectDelay(3, options, () => 0.5); // 3000
 * reconnectDelay(10, options, () => 1); // 30000 (the cap)
 * ```
 */
export function reconnectDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number,
): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** exponent);
  const sample = random();
  const jitter = Number.isFinite(sample) ? Math.min(1, Math.max(0, sample)) : 0;
  const span = Math.max(0, cap);
  return Math.floor(span / 2 + (jitter * span) / 2);
}
