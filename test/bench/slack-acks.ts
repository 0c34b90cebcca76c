/**
 * Slack ack latency: signed `/send` slash commands over HTTP, N at a time.
 * The ack is the HTTP answer to Slack's POST (Slack allows 3 s); drafting
 * runs after it, so we also wait for every draft card to reach its response_url.
 */
import { createHmac } from 'node:crypto';
import command from '../fixtures/slack/slash-command.json' with { type: 'json' };
import { SIGNING_SECRET, type BenchSystem } from './setup.js';
import { percentile, pool, waitFor } from './stats.js';

export interface AckResult {
  count: number;
  concurrency: number;
  p50: number;
  p99: number;
  max: number;
  /** From the first command until every card was posted, ms. */
  allCardsMs: number;
}

/**
 * `floorUrl`: send the same burst to that app instead (the bare Bolt floor),
 * which acks and posts no card, so only the acks are timed.
 */
export async function measureSlackAcks(system: BenchSystem, count = 200, concurrency = 50, floorUrl?: string): Promise<AckResult> {
  const before = system.slackApi.responsesTo().length;
  const started = performance.now();
  const latencies = await pool(count, concurrency, async (i) => {
    const body = new URLSearchParams({
      ...command,
      user_id: `UBENCH${i % 20}`,
      user_name: `bench${i % 20}`,
      text: `text +1555${String(2_000_000 + i)} Build ${i} finished.`,
      response_url: system.slackApi.responseUrl(`bench-${i}`),
      trigger_id: `bench-trigger-${i}`,
    }).toString();
    const ts = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    const t0 = performance.now();
    const res = await fetch(`${floorUrl ?? system.server.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature },
      body,
    });
    await res.text();
    const elapsed = performance.now() - t0;
    if (res.status !== 200) throw new Error(`slash command ${i} answered HTTP ${res.status}`);
    return elapsed;
  });
  if (!floorUrl) await waitFor(() => system.slackApi.responsesTo().length - before >= count, `${count} draft cards`);
  const allCardsMs = performance.now() - started;
  return { count, concurrency, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies), allCardsMs };
}
