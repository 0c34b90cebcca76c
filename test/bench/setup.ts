/**
 * The system under test: the real server process (main.ts, as deployed) with
 * Slack over HTTP, pointed at local stand-ins for the relay and the Slack Web
 * API that run in the benchmark process. Database: a fresh database on the
 * server at DATABASE_URL (created here, dropped at the end), or an embedded
 * PGlite in a temporary folder — the out-of-the-box default.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startFakeRelay, type FakeRelay } from '../fakes/relay-server.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

export const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
export const RELAY_KEY = 'bench-relay-key';
/** A restarted server's start-up work (migrations check, sealing, first checkpoint) is over by then. */
const IDLE_SETTLE_MS = 5_000;

export interface BenchSystem {
  server: ServerProcess;
  /** Peak RSS of the first start, which creates (PGlite: from the initdb image) and migrates the database, MiB. */
  firstStartRssMiB: number;
  /** How long that first start took to listen, ms. */
  firstStartMs: number;
  /** RSS of the restarted server, idle for a few seconds before any traffic, MiB. */
  idleRssMiB: number;
  /** PostgreSQL only: the database's URL (the queue peer works on it too). */
  databaseUrl: string | undefined;
  relay: FakeRelay;
  slackApi: FakeSlackApi;
  /** What the database is, for the table. */
  databaseLabel: string;
  close(): Promise<void>;
}

export interface SystemOptions {
  /**
   * Runs on the migrated database between the first start and the restart
   * that is measured (PostgreSQL only: its URL), e.g. to seed history.
   */
  prepare?: (databaseUrl: string, auditKey: string) => Promise<void>;
  /** Extra environment for the server process (e.g. OTEL_* to run it with tracing on). */
  env?: Record<string, string>;
}

export async function startSystem(options: SystemOptions = {}): Promise<BenchSystem> {
  const work = await mkdtemp(join(tmpdir(), 'relaybot-bench-'));
  const database = await freshDatabase(work);
  const relay = await startFakeRelay({ apiKey: RELAY_KEY });
  const slackApi = await startFakeSlackApi();
  // The default limits (60 messages a minute, 20 pending drafts each) would refuse most of a 300-message burst: lift them for the benchmark.
  const policyFile = join(work, 'policy.json');
  await writeFile(policyFile, JSON.stringify({ rateLimits: { perSenderPerHour: 100_000, perRecipientPerDay: 100_000, globalPerMinute: 100_000, pendingPerSender: 100_000 } }));
  const env = {
    ...database.env,
    POLICY_FILE: policyFile,
    RELAY_BASE_URL: relay.url,
    RELAY_API_KEY: RELAY_KEY,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slackApi.apiUrl,
    ...options.env,
  };
  // The first start creates and migrates the database; measure a server that restarts onto it, as in steady operation.
  const first = await startServerProcess(env);
  const firstStartRssMiB = first.peakRssMiB();
  const firstStartMs = first.startedInMs;
  await first.stop();
  if (options.prepare) {
    if (!database.env.DATABASE_URL) throw new Error('preparing the database needs DATABASE_URL (PostgreSQL)');
    await options.prepare(database.env.DATABASE_URL, database.env.AUDIT_KEY!);
  }
  const server = await startServerProcess(env);
  await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
  const idleRssMiB = server.rssMiB();
  return {
    server,
    firstStartRssMiB,
    firstStartMs,
    idleRssMiB,
    databaseUrl: database.env.DATABASE_URL,
    relay,
    slackApi,
    databaseLabel: database.label,
    async close() {
      await server.stop();
      await relay.close();
      await slackApi.close();
      await database.dispose();
      await rm(work, { recursive: true, force: true });
    },
  };
}

interface FreshDatabase {
  env: Record<string, string>;
  label: string;
  dispose(): Promise<void>;
}

async function freshDatabase(work: string): Promise<FreshDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    return { env: { RELAYBOT_DATA_DIR: join(work, 'data') }, label: 'embedded PGlite (on disk)', dispose: async () => {} };
  }
  const name = `relaybot_bench_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const version = (await admin(serverUrl, 'show server_version')).split(' ')[0];
  return {
    // The server processes share one database, so they share one audit key.
    env: { DATABASE_URL: url.toString(), AUDIT_KEY: randomBytes(32).toString('hex') },
    label: `PostgreSQL ${version} on ${url.hostname}:${url.port || 5432}`,
    dispose: () => admin(serverUrl, `drop database if exists ${name} with (force)`).then(() => undefined),
  };
}

async function admin(serverUrl: string, statement: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const result = await client.query(statement);
    return String(Object.values(result.rows[0] ?? {})[0] ?? '');
  } finally {
    await client.end();
  }
}
