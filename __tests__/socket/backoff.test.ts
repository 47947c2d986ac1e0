import { defaultReconnectOptions, reconnectDelay } from '../../src/socket/backoff';

const options = { baseDelayMs: 1000, maxDelayMs: 30_000 };

describe('reconnectDelay', () => {
  it('doubles the cap with every attempt, counted from 1', () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) => reconnectDelay(attempt, options, () => 0.5));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it('never waits longer than maxDelayMs', () => {
    expect(reconnectDelay(6, options, () => 0.999_999)).toBe(29_999);
    expect(reconnectDelay(40, options, () => 0.5)).toBe(15_000);
    expect(reconnectDelay(5000, options, () => 1)).toBe(30_000);
  });

  it('spreads delays over the whole range from zero to the cap (full jitter)', () => {
    expect(reconnectDelay(3, options, () => 0)).toBe(0);
    expect(reconnectDelay(3, options, () => 0.25)).toBe(1000);
    expect(reconnectDelay(3, options, () => 0.75)).toBe(3000);
  });

  it('clamps a random source that leaves [0, 1]', () => {
    expect(reconnectDelay(1, options, () => -3)).toBe(0);
    expect(reconnectDelay(1, options, () => 7)).toBe(1000);
    expect(reconnectDelay(1, options, () => Number.NaN)).toBe(0);
  });

  it('treats an attempt below 1 as the first', () => {
    expect(reconnectDelay(0, options, () => 1)).toBe(1000);
  });

  it('defaults to the seed: 5 attempts, 1 s base, 30 s cap', () => {
    expect(defaultReconnectOptions).toEqual({
      maxAttempts: 5,
      baseDelayMs: 1000,
      maxDelayMs: 30_000,
    });
  });
});
