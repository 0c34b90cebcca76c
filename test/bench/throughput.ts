/**
 * Confirm → relay throughput: 300 pending drafts are confirmed through
 * POST /api/drafts/:id/confirm (50 clicks at a time) and we time until the
 * relay has accepted all 300. The baseline is the same 300 POSTs sent
 * straight to the relay with the delivery worker's concurrency — what
 * relaybot would reach if the outbox, the audit log and HTTP cost nothing.
 */
import { openCpuWindow } from './cpu.js';
import { RELAY_KEY, type BenchSystem } from './setup.js';
import { pool, waitFor } from './stats.js';

export interface ThroughputResult {
  count: number;
  /** CPU per relayed message over the timed part (confirm clicks → relay accepted the last), ms. */
  cpu: { serverMs: number; postgresMs: number };
  /** Messages per second through relaybot (first confirm click → relay accepted the last). */
  viaRelaybot: number;
  /** Messages per second straight to the relay. */
  raw: number;
  ratio: number;
}

let round = 0;

/** `relayLatencyMs`: how long the relay stand-in takes to answer each of these POSTs (both runs). */
export async function measureThroughput(system: BenchSystem, count: number, workerConcurrency: number, relayLatencyMs: number): Promise<ThroughputResult> {
  const slow = () => Array.from({ length: count }, () => ({ status: 200, delayMs: relayLatencyMs }));
  if (relayLatencyMs > 0) system.relay.script(...slow());
  const raw = await rawRate(system, count, workerConcurrency);
  round++;
  // Drafts are made through the chat endpoint (not timed): the server owns its database.
  const ids = await pool(count, 10, (i) => draftByChat(system, `bench-${round}-${i}`, `text +1555${String(3_000_000 + i)} Shift ${i} starts at 9.`));
  const keys = new Set(ids.map((id) => `relaybot-${id}`));
  const accepted = () => system.relay.delivered.filter((d) => keys.has(d.idempotencyKey)).length;

  if (relayLatencyMs > 0) system.relay.script(...slow());
  const cpuWindow = openCpuWindow(system.server.pid);
  const started = performance.now();
  await pool(count, 50, async (i) => {
    const res = await fetch(`${system.server.url}/api/drafts/${ids[i]}/confirm`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'bench' }),
    });
    const body = await res.text();
    if (res.status !== 202) throw new Error(`confirm ${i} answered HTTP ${res.status}: ${body}`);
  });
  await waitFor(() => accepted() >= count, `${count} messages at the relay`);
  const viaRelaybot = count / ((performance.now() - started) / 1000);
  return { count, viaRelaybot, raw, ratio: viaRelaybot / raw, cpu: cpuWindow.perMessage(count) };
}

async function draftByChat(system: BenchSystem, chatId: string, text: string): Promise<string> {
  const res = await fetch(`${system.server.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: chatId, userId: 'bench', messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text }] }] }),
  });
  const stream = await res.text();
  const id = /"type":"data-draft","id":"([^"]+)"/.exec(stream)?.[1];
  if (!id) throw new Error(`no draft in the chat answer: ${stream.slice(0, 300)}`);
  return id;
}

/** The same POSTs (body, headers) straight to the relay, `concurrency` at a time. */
async function rawRate(system: BenchSystem, count: number, concurrency: number): Promise<number> {
  const started = performance.now();
  await pool(count, concurrency, async (i) => {
    const key = `bench-raw-${round}-${i}`;
    const res = await fetch(`${system.relay.url}/api/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${RELAY_KEY}`, 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': key, 'user-agent': 'relaybot' },
      body: JSON.stringify({ channel: 'sms', to: `+1555${String(4_000_000 + i)}`, text: `Shift ${i} starts at 9.`, source: 'relaybot', idempotency_key: key }),
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    await res.text();
    if (!res.ok) throw new Error(`relay answered HTTP ${res.status}`);
  });
  return count / ((performance.now() - started) / 1000);
}
