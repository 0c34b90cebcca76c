import { describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter } from '../../../src/adapters/relay/index.js';

describe('parseRetryAfter', () => {
  const now = new Date('2025-03-01T12:00:00Z');

  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1_500);
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:01:30 GMT', now)).toBe(90_000);
  });

  it('treats a past date as now and nonsense as absent', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('backoffMs', () => {
  const low = () => 0;
  const high = () => 0.999_999;

  it('grows exponentially with bounded jitter, up to the cap', () => {
    const spans = [1, 2, 3, 4].map((attempt) => [backoffMs(attempt, undefined, 1000, 60_000, low), backoffMs(attempt, undefined, 1000, 60_000, high)]);
    expect(spans).toEqual([
      [800, 1200],
      [1600, 2400],
      [3200, 4800],
      [6400, 9600],
    ]);
    expect(backoffMs(30, undefined, 1000, 60_000, high)).toBeLessThanOrEqual(72_000);
    expect(backoffMs(30, undefined, 1000, 60_000, low)).toBeGreaterThanOrEqual(48_000);
  });

  it('never retries sooner than the relay asked, even past the cap', () => {
    expect(backoffMs(1, 5_000, 1000, 60_000, high)).toBe(5_000);
    expect(backoffMs(2, 120_000, 1000, 60_000, high)).toBe(120_000);
  });

  it('spreads replicas out: the default random gives different delays', () => {
    const delays = new Set(Array.from({ length: 20 }, () => backoffMs(5)));
    expect(delays.size).toBeGreaterThan(1);
  });
});
