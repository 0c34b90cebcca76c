/**
 * Delay before delivery attempt `attempt + 1`, in ms: exponential from `baseMs`
 * with ±20 % jitter (so replicas do not retry in lockstep), capped at `capMs`,
 * and never sooner than the relay's Retry-After.
 */
export function backoffMs(attempt: number, retryAfterMs?: number, baseMs = 1000, capMs = 60_000, random = Math.random): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exponential * (0.8 + 0.4 * random()));
  return Math.max(jittered, retryAfterMs ?? 0);
}
