import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
    // The three above, after the contact.saved of the test before (a contact is an allowlist entry: its changes are audited).
    expect(ok.stdout).toMatch(/^audit chain intact: 4 entries, head 4 [0-9a-f]{64}$/m);

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
    const key = await relaybot({ ...env, AUDIT_KEY: 'short-audit-key' }, 'audit', 'verify');
    expect(key.code).toBe(2);
    expect(key.stderr.trim()).toBe('relaybot: AUDIT_KEY: must be at least 32 characters');
  });
  it('removes contacts, refuses a name that is not one, and audits saves and removals', async () => {
    expect((await relaybot(env, 'contacts', 'add', 'Night desk', 'whatsapp', '+1 555 987 6543')).stdout).toContain('saved Night desk: wa +15559876543');
    const odd = await relaybot(env, 'contacts', 'add', '*boss*', 'sms', '+15550001111');
    expect(odd.code).toBe(2);
    expect(odd.stderr).toContain('A contact name is 1–40 letters, digits, spaces, dots, dashes or apostrophes.');
    const removed = await relaybot(env, 'contacts', 'remove', 'night desk');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('removed night desk');
    expect((await relaybot(env, 'contacts', 'list')).stdout).not.toContain('Night desk');
    expect((await relaybot(env, 'contacts', 'remove', 'night desk')).code).toBe(1);
    const tail = (await relaybot(env, 'audit', 'tail', '--limit', '10')).stdout;
    expect(tail).toContain('contact.saved');
    expect(tail).toContain('contact.removed');
  });
});

describe('relaybot audit checkpoint and verify --checkpoint', { timeout: 180_000 }, () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relaybot-cli-'));
    env = { RELAYBOT_DATA_DIR: join(dir, 'data') };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Append `n` events the way the server does (the key file in the data folder signs them). */
  const append = async (n: number, sql_?: ReturnType<typeof sql>) => {
    const database = await openDatabase({ dataDir: env.RELAYBOT_DATA_DIR! });
    try {
      await migrateDatabase(database);
      const { audit } = createStores(database);
      for (let i = 0; i < n; i++) await audit.append({ actor: null, action: 'test.event', draftId: null, details: { i } });
      await audit.list({ limit: 1 });
      if (sql_) {
        await database.db.execute(sql`alter table audit_events disable trigger user`);
        await database.db.execute(sql_);
        await database.db.execute(sql`alter table audit_events enable trigger user`);
      }
    } finally {
      await database.close();
    }
  };

  it('prints the signed head, and fails naming the checkpoint once the tail behind it is deleted', async () => {
    await append(4);
    const printed = await relaybot(env, 'audit', 'checkpoint');
    expect(printed.code).toBe(0);
    const checkpoint = JSON.parse(printed.stdout) as Record<string, unknown>;
    expect(Object.keys(checkpoint)).toEqual(['seq', 'hash', 'at', 'mac']);
    expect(checkpoint).toMatchObject({ seq: 4, hash: expect.stringMatching(/^[0-9a-f]{64}$/), mac: expect.stringMatching(/^[0-9a-f]{64}$/) });

    // A file of several checkpoints, one per line, as kept by a log pipeline.
    const file = join(dir, 'checkpoints.jsonl');
    await append(2);
    const later = JSON.parse((await relaybot(env, 'audit', 'checkpoint')).stdout) as Record<string, unknown>;
    await writeFile(file, `${JSON.stringify(checkpoint)}\n${JSON.stringify(later)}\n`);
    const ok = await relaybot(env, 'audit', 'verify', '--checkpoint', file);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`audit chain intact: 6 entries, head 6 ${String(later.hash)}\n2 checkpoints verified: each signed head is still in the chain\n`);

    await append(0, sql`delete from audit_events where seq > 3`);
    expect((await relaybot(env, 'audit', 'verify')).code).toBe(0); // the shorter chain alone hangs together
    const broken = await relaybot(env, 'audit', 'verify', '--checkpoint', file);
    expect(broken.code).toBe(1);
    expect(broken.stderr.trim()).toBe(
      `audit chain BROKEN: checkpoint on line 1 (entry 4, hash ${String(checkpoint.hash)}, taken ${String(checkpoint.at)}) is not in the chain: the chain ends at entry 3 — the entries after it were deleted`,
    );
  });

  it('refuses a checkpoint whose mac does not verify, and a file that holds no checkpoint', async () => {
    const file = join(dir, 'forged.jsonl');
    const { seq, hash, at } = JSON.parse((await relaybot(env, 'audit', 'checkpoint')).stdout) as Record<string, unknown>;
    await writeFile(file, `${JSON.stringify({ seq, hash, at, mac: 'ab'.repeat(32) })}\n`);
    const forged = await relaybot(env, 'audit', 'verify', '--checkpoint', file);
    expect(forged.code).toBe(1);
    expect(forged.stderr.trim()).toBe('audit chain BROKEN: checkpoint on line 1 does not verify: it was not signed with this AUDIT_KEY, or it was altered');
    await writeFile(file, '\n');
    const empty = await relaybot(env, 'audit', 'verify', '--checkpoint', file);
    expect(empty.code).toBe(2);
    expect(empty.stderr.trim()).toBe(`relaybot: --checkpoint ${file}: the file holds no checkpoint`);
  });
});
