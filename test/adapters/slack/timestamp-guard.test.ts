import { describe, expect, it } from 'vitest';
import { rejectFutureTimestamps } from '../../../src/adapters/slack/timestamp-guard.js';

function run(ts: string | undefined, nowSeconds: number): { status: number | null; passed: boolean } {
  const out = { status: null as number | null, passed: false };
  const req = { headers: ts === undefined ? {} : { 'x-slack-request-timestamp': ts } } as any;
  const res = { status: (s: number) => ((out.status = s), { send: () => {} }) } as any;
  rejectFutureTimestamps(() => nowSeconds * 1000)(req, res, () => (out.passed = true));
  return out;
}

describe('rejectFutureTimestamps', () => {
  const now = 1_700_000_000;
  it('refuses a request dated more than 5 minutes ahead', () => {
    expect(run(String(now + 600), now)).toEqual({ status: 401, passed: false });
  });
  it('lets through the present, small skew, and the past (Bolt judges old ones)', () => {
    expect(run(String(now), now).passed).toBe(true);
    expect(run(String(now + 299), now).passed).toBe(true);
    expect(run(String(now - 600), now).passed).toBe(true);
    expect(run(undefined, now).passed).toBe(true);
  });
});
