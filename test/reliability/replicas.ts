/**
 * Two relaybot runtimes on one database, as two replicas behind a load
 * balancer would be. On PostgreSQL each replica has its own connection pool
 * (real concurrent transactions); PGlite is one embedded process, so the two
 * runtimes share its single connection — still two independent sets of use
 * cases, workers and clocks over the same rows.
 */
import pg from 'pg';
import { openDatabase, type Database } from '../../src/adapters/db/index.js';
import type { TestDatabase, TestDatabaseTarget } from '../fakes/database.js';
import { createTestApp, type TestApp, type TestAppOptions } from '../fakes/harness.js';

export interface Replicas {
  a: TestApp;
  b: TestApp;
  /** Close both runtimes and drop the database. */
  close(): Promise<void>;
}

/** The connection string of a Postgres test database (its pool was opened from it). */
export function databaseUrl(database: Database): string {
  if (database.kind !== 'postgres') throw new Error('only a PostgreSQL test database has a URL');
  const url = (database.client as pg.Pool & { options: { connectionString?: string } }).options.connectionString;
  if (!url) throw new Error('the test pool was opened without a connection string');
  return url;
}

export async function startReplicas(target: TestDatabaseTarget, options: Omit<TestAppOptions, 'database'> = {}): Promise<Replicas> {
  const database: TestDatabase = await target.open();
  const second: Database =
    database.kind === 'postgres'
      ? await openDatabase({ databaseUrl: databaseUrl(database), dataDir: 'memory://', auditKey: database.auditKey })
      : // The same PGlite, without `drop`: B must not close it under A.
        { kind: 'pglite', client: database.client, db: database.db, auditKey: database.auditKey, close: async () => {} };
  const a = await createTestApp({ ...options, database });
  const b = await createTestApp({ ...options, database: second });
  return {
    a,
    b,
    async close() {
      await b.close();
      await a.close();
    },
  };
}
