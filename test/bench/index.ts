/**
 * `npm run bench`: Slack ack latency, confirm → relay throughput and peak
 * memory of the server process (src/main.ts, started as in production) on
 * the database DATABASE_URL names — a fresh database is created on that
 * server and dropped afterwards — or, without it, the embedded PGlite default.
 * Everything runs on 127.0.0.1; the relay and the Slack Web API are local
 * stand-ins in this process. A script, not a test: it prints a table and
 * exits 1 when a target is missed.
 *
 *   npm run bench                                                            # PGlite
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench   # PostgreSQL
 *   … npm run bench -- --help                                                # options
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { compareWithHistory, median, spread } from './history.js';
import { measureSlackAcks } from './slack-acks.js';
import { startSystem } from './setup.js';
import { ms } from './stats.js';
import { measureThroughput } from './throughput.js';

const TARGETS = { ackP99Ms: 100, ratio: 0.5, rssMiB: 250, historyRatio: 0.8 };
/** The delivery worker's default concurrency (DeliveryWorkerOptions.batchSize); the raw baseline uses the same. */
const WORKER_CONCURRENCY = 10;
/** A relay reached over the internet answers in tens to hundreds of ms; 100 ms is the realistic case. */
const REALISTIC_RELAY_MS = 100;

type Row = [measure: string, value: string, target: string, ok: boolean | null];

const USAGE = `npm run bench [-- options]
  --only=history        run only the history comparison (PostgreSQL)
  --history-drafts=N    decided drafts in the seeded day of history (default 10000)
  --rounds=N            rounds of the history comparison (default 3)
  --count=N             drafts confirmed per round and server in the history comparison (default 300)
  --help                this text`;

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      only: { type: 'string' }, 'history-drafts': { type: 'string' }, rounds: { type: 'string' }, count: { type: 'string' }, help: { type: 'boolean' },
    },
  });
  if (args.help) return console.log(USAGE);
  const historyOnly = args.only === 'history';
  if (args.only !== undefined && !historyOnly) throw new Error(`--only: unknown run "${args.only}"; the one there is: history`);
  const rows: Row[] = [];
  const system = historyOnly ? null : await startSystem();
  if (system) await measureFresh(system, rows);
  if (process.env.DATABASE_URL) {
    const history = await compareWithHistory({
      drafts: positive(args['history-drafts'], 10_000, '--history-drafts'),
      rounds: positive(args.rounds, 3, '--rounds'),
      count: positive(args.count, 300, '--count'),
      workerConcurrency: WORKER_CONCURRENCY,
    });
    const n = history.fresh.length;
    rows.push([`confirm → relay, fresh database (relay answers at once), min / median / max of ${n}`, `${spread(history.fresh)} msg/s`, '', null]);
    rows.push([`  same, on a day of history (${history.drafts.toLocaleString('en')} decided drafts + their audit events)`, `${spread(history.history)} msg/s`, '', null]);
    const ratio = median(history.ratios);
    rows.push([`  ratio history / fresh, per round (min / median / max)`, spread(history.ratios, 2), `≥ ${TARGETS.historyRatio}`, ratio >= TARGETS.historyRatio]);
  } else {
    rows.push(['history comparison', 'skipped', 'needs DATABASE_URL', null]);
  }
  print(system?.databaseLabel ?? 'PostgreSQL (history comparison only)', rows);
}

function positive(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a whole number ≥ 1, got "${text}"`);
  return n;
}

/** The measurements on one server, restarted onto a fresh database. */
async function measureFresh(system: Awaited<ReturnType<typeof startSystem>>, rows: Row[]): Promise<void> {
  try {
    // Warm-up (not counted): JIT compilation, connection pools, first-use code paths — in both
    // processes. Acks keep getting faster for the first few hundred commands after a start (V8
    // optimises the hot paths), so warm up with 400: what is measured is the steady state.
    for (let i = 0; i < 2; i++) await measureSlackAcks(system, 200, 50);
    await measureThroughput(system, 50, WORKER_CONCURRENCY, 0);

    const acks = await measureSlackAcks(system, 200, 50);
    rows.push(['Slack ack p50 — 200 signed /send commands, 50 at a time', ms(acks.p50), '', null]);
    rows.push(['Slack ack p99', ms(acks.p99), `≤ ${TARGETS.ackP99Ms} ms`, acks.p99 <= TARGETS.ackP99Ms]);
    rows.push(['  all 200 draft cards posted (after the first command)', ms(acks.allCardsMs), '', null]);

    for (const latency of [0, REALISTIC_RELAY_MS]) {
      const flow = await measureThroughput(system, 300, WORKER_CONCURRENCY, latency);
      const label = latency === 0 ? 'relay answers at once' : `relay answers in ${latency} ms`;
      rows.push([`confirm → relay, 300 drafts (${label})`, `${flow.viaRelaybot.toFixed(0)} msg/s`, '', null]);
      rows.push([`  same POSTs straight to the relay, ${WORKER_CONCURRENCY} at a time`, `${flow.raw.toFixed(0)} msg/s`, '', null]);
      rows.push(['  ratio', flow.ratio.toFixed(2), `≥ ${TARGETS.ratio}`, flow.ratio >= TARGETS.ratio]);
    }

    const rss = system.server.peakRssMiB();
    rows.push(['peak RSS of the server process (restarted onto its database)', `${rss.toFixed(0)} MiB`, `≤ ${TARGETS.rssMiB} MiB`, rss <= TARGETS.rssMiB]);
    rows.push(['  peak RSS of its first start (creates + migrates the database)', `${system.firstStartRssMiB.toFixed(0)} MiB`, '', null]);
  } finally {
    await system.close();
  }
}

function print(databaseLabel: string, rows: Row[]): void {
  const cpu = cpus();
  console.log(`\nrelaybot benchmark — ${databaseLabel}`);
  console.log(`machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`| ${'measure'.padEnd(width)} | ${'value'.padStart(12)} | target |`);
  console.log(`| ${'-'.repeat(width)} | ${'-'.repeat(12)} | ------ |`);
  for (const [name, value, target, ok] of rows) {
    const verdict = ok === null ? '' : ok ? ' ok' : ' MISSED';
    console.log(`| ${name.padEnd(width)} | ${value.padStart(12)} | ${target}${verdict} |`);
  }
  process.exitCode = rows.some(([, , , ok]) => ok === false) ? 1 : 0;
}

main().catch((error) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
