/**
 * Reconnect timing. Full jitter (a uniformly random delay between zero and
 * the exponential cap) spreads the reconnects of many clients after a server
 * restart, where a fixed or lightly jittered schedule would bring them all
 * back in the same second.
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
  /** Reconnect attempts after a fault before the connection reports `failed`. */
  maxAttempts: number;
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
};

/**
 * The delay before reconnect attempt `attempt` (counted from 1), with full
 * jitter: `random() * min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))`,
 * rounded down to whole milliseconds. An out-of-range `random()` is clamped
 * to [0, 1], so a bad source of randomness cannot produce a negative or
 * endless wait.
 *
 * @example
 * ```ts
 * const options = { baseDelayMs: 1000, maxDelayMs: 30_000 };
 * reconnectDelay(1, options, () => 0.5); // 500
 * reconnectDelay(3, options, () => 0.5); // 2000
 * reconnectDelay(10, options, () => 0.5); // 15000 (the 30 s cap, halved)
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
  return Math.floor(jitter * Math.max(0, cap));
}
