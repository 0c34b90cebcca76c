import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/adapters/db/client.js';
import { migrateDatabase } from '../../../src/adapters/db/migrate.js';
import { createStores } from '../../../src/adapters/db/stores.js';
import { AppError } from '../../../src/core/errors.js';

describe('openDatabase', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('keeps embedded data in its folder across a restart, and migrating twice is harmless', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'relaybot-db-'));
    dirs.push(parent);
    const dataDir = join(parent, 'nested', 'data'); // created if missing
    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe('pglite');
    await migrateDatabase(first);
    await createStores(first).contacts.save('global', 'Ops', 'email', 'ops@example.com', new Date());
    await first.close();

    const second = await openDatabase({ dataDir });
    await migrateDatabase(second);
    expect((await createStores(second).contacts.find('web', 'ops')).map((c) => c.address)).toEqual(['ops@example.com']);
    expect((await createStores(second).audit.verify()).ok).toBe(true);
    await second.close();
  });

  it('keeps the data folder to its owner (PGlite writes its files world-readable), new or existing', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'relaybot-db-'));
    dirs.push(parent);
    const fresh = join(parent, 'fresh');
    const opened = join(parent, 'opened');
    await mkdir(opened, { mode: 0o755 });
    await chmod(opened, 0o755);
    for (const dataDir of [fresh, opened]) {
      const database = await openDatabase({ dataDir });
      await database.close();
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    }
  });

  it('fails at start with one clear line naming RELAYBOT_DATA_DIR when the folder is not a database PGlite can open', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'relaybot-db-'));
    dirs.push(dataDir);
    await writeFile(join(dataDir, 'PG_VERSION'), '9\n'); // some other Postgres' folder
    const error = await openDatabase({ dataDir }).catch((e: unknown) => e);
    expect(AppError.is(error, 'invalid:config')).toBe(true);
    const message = (error as AppError).message;
    expect(message).toMatch(new RegExp(`^RELAYBOT_DATA_DIR: cannot open the embedded database in ${dataDir}: .+\\.$`));
    expect(message).not.toContain('\n');
  });

  it('fails at start with one clear line naming DATABASE_URL, and never the password', async () => {
    const error = await openDatabase({ databaseUrl: 'postgres://relaybot:hunter2@127.0.0.1:1/relaybot', dataDir: 'memory://' }).catch((e: unknown) => e);
    expect(AppError.is(error, 'invalid:config')).toBe(true);
    const message = (error as AppError).message;
    expect(message).toMatch(/^DATABASE_URL: cannot connect to 127\.0\.0\.1:1\/relaybot: /);
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('\n');
  });
});
