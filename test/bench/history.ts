/**
 * Does the cost per message stay flat as history grows? Two servers run side
 * by side on the same PostgreSQL: one on a fresh database, one on a database
 * that already holds a day of traffic (decided drafts spread over the last
 * 24 h with their audit events, seeded with SQL; the server's own sealer
 * chains those events before anything is timed). Each round times confirm →
 * relay against the instant relay on both, alternating which goes first; the
 * table shows min / median / max over the rounds and the ratio history/fresh.
 */
import pg from 'pg';
import { AuditKey } from '../../src/adapters/db/audit-key.js';
import { seedHistory } from '../fakes/history.js';
import { startSystem, type BenchSystem } from './setup.js';
import { waitFor } from './stats.js';
import { measureThroughput } from './throughput.js';

export interface HistoryOptions {
  /** Decided drafts in the seeded day. */
  drafts: number;
  rounds: number;
  /** Drafts confirmed per round and server. */
  count: number;
  workerConcurrency: number;
}

export interface HistoryComparison {
  /** Decided drafts seeded. */
  drafts: number;
  /** msg/s per round. */
  fresh: number[];
  history: number[];
  /** history / fresh, per round. */
  ratios: number[];
}

export async function compareWithHistory(options: HistoryOptions): Promise<HistoryComparison> {
  let historyUrl = '';
  const fresh = await startSystem();
  let history: BenchSystem | undefined;
  try {
    history = await startSystem({
      prepare: async (url, auditKey) => {
        historyUrl = url;
        await withClient(url, (client) =>
          seedHistory((text, values) => client.query(text, values), { drafts: options.drafts, now: new Date(), audit: 'pending', auditKey: new AuditKey(auditKey) }),
        );
      },
    });
    // Warm-up (not counted), which also has the history server's sealer chain the seeded events.
    for (const system of [fresh, history]) await measureThroughput(system, 50, options.workerConcurrency, 0);
    await withClient(historyUrl, (client) =>
      waitFor(async () => Number((await client.query('select count(*) as n from audit_pending')).rows[0].n) === 0, 'the seeded audit events to be chained', 300_000, 200),
    );

    const result: HistoryComparison = { drafts: options.drafts, fresh: [], history: [], ratios: [] };
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? (['fresh', 'history'] as const) : (['history', 'fresh'] as const);
      const rate: Record<'fresh' | 'history', number> = { fresh: 0, history: 0 };
      for (const which of order) {
        rate[which] = (await measureThroughput(which === 'fresh' ? fresh : history, options.count, options.workerConcurrency, 0)).viaRelaybot;
      }
      result.fresh.push(rate.fresh);
      result.history.push(rate.history);
      result.ratios.push(rate.history / rate.fresh);
    }
    return result;
  } finally {
    await history?.close();
    await fresh.close();
  }
}

/** min / median / max, e.g. `412 / 430 / 455`. */
export function spread(values: number[], digits = 0): string {
  return [Math.min(...values), median(values), Math.max(...values)].map((v) => v.toFixed(digits)).join(' / ');
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
