/**
 * A whole relaybot (minus front-ends) on an in-memory PGlite, wired by the same
 * `buildRuntime` as production. The delivery worker is not started: call
 * `drain()` to deliver everything due, so tests are deterministic.
 */
import { loadConfig } from '../../src/config.js';
import { policySchema } from '../../src/core/policy.js';
import type { Database } from '../../src/adapters/db/index.js';
import type { Clock, Interpreter, Logger, Metrics, Relay } from '../../src/core/ports.js';
import { buildRuntime, type Runtime } from '../../src/runtime.js';

export interface TestAppOptions {
  /** Policy fields (as in a policy file); defaults otherwise. */
  policy?: Record<string, unknown>;
  relay?: Relay;
  interpreter?: Interpreter;
  clock?: Clock;
  /** Extra environment, e.g. `{ DATABASE_URL }` to run on PostgreSQL. */
  env?: Record<string, string>;
  /** A database from `testDatabaseTargets()`; default: a fresh in-memory PGlite. Closed by `close()`. */
  database?: Database;
  /** Counters and timings (e.g. the Prometheus ones); default: none. */
  metrics?: Metrics;
  /** Retries in tests should not wait seconds: default 1 ms base backoff. */
  maxAttempts?: number;
}

export interface TestApp extends Runtime {
  /** Deliver until no job is due (retries included); returns how many attempts were made. */
  drain(): Promise<number>;
  close(): Promise<void>;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({ RELAYBOT_DATA_DIR: 'memory://', ...options.env });
  if (options.policy) config.policy = policySchema.parse(options.policy);
  const runtime = await buildRuntime(config, silentLogger, {
    relay: options.relay,
    interpreter: options.interpreter,
    clock: options.clock,
    database: options.database,
    metrics: options.metrics,
    worker: { backoffBaseMs: 1, backoffCapMs: 5, maxAttempts: options.maxAttempts ?? 8, pollMs: 10 },
  });
  return {
    ...runtime,
    async drain() {
      let attempts = 0;
      // Retries become due a few ms later, so stop only after several empty rounds.
      for (let idle = 0; idle < 3; ) {
        const handled = await runtime.worker.runOnce();
        attempts += handled;
        idle = handled === 0 ? idle + 1 : 0;
        if (handled === 0) await new Promise((resolve) => setTimeout(resolve, 15));
      }
      return attempts;
    },
    async close() {
      runtime.sweeper.stop();
      await runtime.worker.stop(0);
      // A test database is dropped (which closes it); our own in-memory one is just closed.
      const database = runtime.database as Database & { drop?: () => Promise<void> };
      await (database.drop ? database.drop() : database.close());
    },
  };
}
