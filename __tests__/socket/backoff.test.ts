import { defaultReconnectOptions, reconnectDelay } from '../../src/socket/backoff';

const options = { baseDelayMs: 1000, maxDelayMs: 30_000 };

describe('reconnectDelay', () => {
  it('doubles the cap with every attempt, counted from 1', () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) => reconnectDelay(attempt, options, () => 1));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000]);
  });

  it('never waits less than half the cap, so the delays really grow (equal jitter)', () => {
    const lows = [1, 2, 3, 4, 5].map((attempt) => reconnectDelay(attempt, options, () => 0));
    expect(lows).toEqual([500, 1000, 2000, 4000, 8000]);
    // The seed's five attempts take at least 15.5 s however the dice fall.
    expect(lows.reduce((sum, delay) => sum + delay, 0)).toBeGreaterThanOrEqual(15_000);
  });

  it('spreads delays over the upper half of the cap', () => {
    expect(reconnectDelay(3, options, () => 0.25)).toBe(2500);
    expect(reconnectDelay(3, options, () => 0.75)).toBe(3500);
  });

  it('never waits longer than maxDelayMs', () => {
    expect(reconnectDelay(6, options, () => 0.999_999)).toBe(29_999);
    expect(reconnectDelay(40, options, () => 0)).toBe(15_000);
    expect(reconnectDelay(5000, options, () => 1)).toBe(30_000);
  });

  it('clamps a random source that leaves [0, 1]', () => {
    expect(reconnectDelay(1, options, () => -3)).toBe(500);
    expect(reconnectDelay(1, options, () => 7)).toBe(1000);
    expect(reconnectDelay(1, options, () => Number.NaN)).toBe(500);
  });

  it('treats an attempt below 1 as the first', () => {
    expect(reconnectDelay(0, options, () => 1)).toBe(1000);
  });

  it('defaults to the seed: 5 attempts, 1 s base, 30 s cap; then a slow retry; a connect timeout', () => {
    expect(defaultReconnectOptions).toEqual({
      maxAttempts: 5,
      baseDelayMs: 1000,
      maxDelayMs: 30_000,
      slowRetryMs: 30_000,
      connectTimeoutMs: 10_000,
    });
  });
});
