/**
 * The durable-queue peer: the same delivery work as relaybot's confirm →
 * relay path, done by graphile-worker (the PostgreSQL job queue for Node
 * that keeps jobs durable, retries them and wakes workers by LISTEN/NOTIFY)
 * on the same PostgreSQL: a job per message, a worker process that POSTs it
 * to the same relay stand-in and marks it done. It has no approval, audit
 * chain or rate limits, so it is a floor for what durable delivery costs.
 * PostgreSQL only (graphile-worker needs a server).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeWorkerUtils, type WorkerUtils } from 'graphile-worker';
import pg from 'pg';
import type { FakeRelay } from '../fakes/relay-server.js';
import { openCpuWindow } from './cpu.js';
import { pool, waitFor } from './stats.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface QueuePeer {
  /**
   * Enqueue `count` messages, 50 at a time (as the confirm clicks are), and time until the relay
   * accepted all: msg/s, and CPU per message of the worker process and PostgreSQL, ms.
   */
  measure(count: number): Promise<{ rate: number; cpu: { serverMs: number; postgresMs: number } }>;
  close(): Promise<void>;
}

export async function startQueuePeer(databaseUrl: string, relay: FakeRelay, relayKey: string, concurrency: number): Promise<QueuePeer> {
  // Our own pool, ended by close(): the database is dropped after the benchmark.
  const pgPool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  // A connection cut when the benchmark drops its database is expected.
  pgPool.on('error', () => {});
  pgPool.on('connect', (client) => client.on('error', () => {}));
  const utils: WorkerUtils = await makeWorkerUtils({ pgPool });
  await utils.migrate();
  const worker: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/bench/queue-peer-worker.ts'], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, RELAY_URL: relay.url, RELAY_KEY: relayKey, CONCURRENCY: String(concurrency) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    worker.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('queue peer ready')) resolve();
    });
    void exited.then(() => reject(new Error('the queue peer exited before it was ready')));
  });
  let round = 0;
  return {
    async measure(count) {
      round++;
      const keys = new Set(Array.from({ length: count }, (_, i) => `peer-${round}-${i}`));
      const accepted = () => relay.delivered.filter((d) => keys.has(d.idempotencyKey)).length;
      const cpuWindow = openCpuWindow(worker.pid!);
      const started = performance.now();
      await pool(count, 50, (i) =>
        utils.addJob('deliver', { key: `peer-${round}-${i}`, to: `+1555${String(5_000_000 + i)}`, text: `Shift ${i} starts at 9.` }),
      );
      await waitFor(() => accepted() >= count, `${count} peer messages at the relay`);
      return { rate: count / ((performance.now() - started) / 1000), cpu: cpuWindow.perMessage(count) };
    },
    async close() {
      worker.kill('SIGTERM');
      await exited;
      await utils.release();
      await pgPool.end();
    },
  };
}
