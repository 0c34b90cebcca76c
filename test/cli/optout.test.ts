/** `relaybot optout add|remove|list` as a user runs it, on its own PGlite folder. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStores, migrateDatabase, openDatabase } from '../../src/adapters/db/index.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');

async function relaybot(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { cwd: root, env: { PATH: process.env.PATH, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('relaybot optout', { timeout: 180_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relaybot-optout-'));
    env = { RELAYBOT_DATA_DIR: dir };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('adds (normalised), lists, removes, refuses a bad address with the reason, and audits each change', async () => {
    const added = await relaybot(env, 'optout', 'add', '(555)', '123-4567');
    expect(added.code).toBe(0);
    expect(added.stdout.trim()).toBe('+15551234567 is opted out: relaybot will not message it, and scheduled sends to it will fail.');
    const listed = await relaybot(env, 'optout', 'list');
    expect(listed.stdout).toMatch(/^\+15551234567\t\d{4}-\d\d-\d\dT[\d:.]+Z\tcli:/m);
    const bad = await relaybot(env, 'optout', 'add', 'not-an-address');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('relaybot: address: "not-an-address" is not a phone number, email address, @username or numeric id.');
    const missing = await relaybot(env, 'optout', 'remove');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('optout remove needs an ADDRESS');
    expect((await relaybot(env, 'optout', 'remove', '+15551234567')).stdout.trim()).toBe('+15551234567 may be messaged again.');

    const database = await openDatabase({ dataDir: dir });
    try {
      await migrateDatabase(database);
      const actions = (await createStores(database).audit.list()).map((e) => [e.action, e.actor?.platform, e.details.address]).reverse();
      expect(actions).toEqual([
        ['optout.added', 'cli', '+15551234567'],
        ['optout.removed', 'cli', '+15551234567'],
      ]);
    } finally {
      await database.close();
    }
  });
});
