/**
 * Real databases for tests, migrated and ready. Use it like this:
 *
 *   describe.each(testDatabaseTargets())('my thing on $name', (target) => {
 *     let database: TestDatabase;
 *     beforeAll(async () => { database = await target.open(); });
 *     afterAll(() => database.drop());
 *     it('…', async () => { const stores = createStores(database); … });
 *   });
 *
 * - `pglite` always: an in-memory PGlite (~3 s to start, so open one per test file, in beforeAll).
 * - `postgres` only when TEST_DATABASE_URL is set (e.g. postgres://postgres@127.0.0.1:5432/postgres):
 *   each open() creates a fresh database `relaybot_test_<random>` on that server; drop() removes it.
 *
 * Tests sharing one database within a file should use their own ids (requester, scope, keys).
 * Every test database signs its audit log with TEST_AUDIT_KEY, so a second process or
 * runtime on it (pass `AUDIT_KEY: TEST_AUDIT_KEY`) writes events the first accepts.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/adapters/db/client.js';
import { migrateDatabase } from '../../src/adapters/db/migrate.js';

/** The AUDIT_KEY of every test database. */
export const TEST_AUDIT_KEY = 'test-audit-key-0123456789abcdef0123456789';

export type TestDatabase = Database & {
  /** Close the database and throw it away (drops the Postgres test database). */
  drop(): Promise<void>;
};

export interface TestDatabaseTarget {
  name: 'pglite' | 'postgres';
  open(): Promise<TestDatabase>;
}

export function testDatabaseTargets(): TestDatabaseTarget[] {
  const targets: TestDatabaseTarget[] = [{ name: 'pglite', open: openPglite }];
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) targets.push({ name: 'postgres', open: () => openPostgres(serverUrl) });
  return targets;
}

async function openPglite(): Promise<TestDatabase> {
  const database = await openDatabase({ dataDir: 'memory://', auditKey: TEST_AUDIT_KEY });
  await migrateDatabase(database);
  return Object.assign(database, { drop: () => database.close() });
}

async function openPostgres(serverUrl: string): Promise<TestDatabase> {
  // Random, lower-case, safe to interpolate as an identifier.
  const name = `relaybot_test_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: 'memory://', auditKey: TEST_AUDIT_KEY });
  await migrateDatabase(database);
  return Object.assign(database, {
    drop: async () => {
      await database.close();
      await admin(serverUrl, `drop database if exists ${name} with (force)`);
    },
  });
}

/** One statement on the server's own database (CREATE/DROP DATABASE cannot run inside the test database). */
async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
