import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStores, migrateDatabase, openDatabase, type Database } from '../../src/adapters/db/index.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');

/** Run the real CLI as a user would; returns exit code and output. */
async function relaybot(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * The CLI works on the embedded PGlite folder (and, with DATABASE_URL, on
 * PostgreSQL — the storage suite covers both drivers; here one is enough).
 */
// Each case starts real processes (tsx + PGlite), which is slow on a busy 2-core machine.
describe('relaybot CLI on a PGlite folder', { timeout: 180_000 }, () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relaybot-cli-'));
    env = { RELAYBOT_DATA_DIR: dir };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const withDatabase = async <T>(fn: (database: Database) => Promise<T>): Promise<T> => {
    const database = await openDatabase({ dataDir: dir });
    try {
      await migrateDatabase(database);
      return await fn(database);
    } finally {
      await database.close();
    }
  };

  it('migrates, saves and lists contacts, refusing bad addresses with a reason', async () => {
    expect((await relaybot(env, 'migrate')).stdout).toContain('migrations applied (pglite)');
    const saved = await relaybot(env, 'contacts', 'add', 'Bob', 'sms', '(555) 123-4567');
    expect(saved.stdout).toContain('saved Bob: sms +15551234567');
    const bad = await relaybot(env, 'contacts', 'add', 'Eve', 'email', 'not-an-address');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"not-an-address" is not a valid email address');
    expect((await relaybot(env, 'contacts', 'list')).stdout).toMatch(/Bob\tsms\t\+15551234567/);
  });

  it('verifies the audit chain, and names the first entry changed behind the database\'s back', async () => {
    await withDatabase(async (database) => {
      const { audit } = createStores(database);
      for (const action of ['draft.created', 'draft.confirmed', 'delivery.sent']) {
        await audit.append({ actor: { platform: 'cli', userId: 'test' }, action, draftId: null, details: { n: action } });
      }
    });
    const ok = await relaybot(env, 'audit', 'verify');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/audit chain intact: \d+ entries verified/);

    const tampered = await withDatabase(async (database) => {
      const db = database.db;
      const [row] = (await db.execute(sql`select seq from audit_events where action = 'draft.confirmed'`)).rows as { seq: number }[];
      await db.execute(sql`alter table audit_events disable trigger user`);
      await db.execute(sql`update audit_events set details = '{"n":"forged"}'::jsonb where action = 'draft.confirmed'`);
      await db.execute(sql`alter table audit_events enable trigger user`);
      return Number(row!.seq);
    });
    const broken = await relaybot(env, 'audit', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`audit chain BROKEN at entry #${tampered}`);
  });

  it('tails the audit log, oldest first', async () => {
    const tail = await relaybot(env, 'audit', 'tail', '--limit', '2');
    const lines = tail.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('delivery.sent');
  });

  it('explains bad usage and bad configuration in one line', async () => {
    const usage = await relaybot(env, 'frobnicate');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown command "frobnicate"');
    const config = await relaybot({ ...env, DEFAULT_PHONE_REGION: 'USA' }, 'contacts', 'list');
    expect(config.code).toBe(2);
    expect(config.stderr.trim()).toBe('relaybot: DEFAULT_PHONE_REGION: must be a two-letter ISO country code such as US or GB (got "USA")');
  });
});
