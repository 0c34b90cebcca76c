/**
 * The shipped initdb image: made by the PGlite installed now, and a new data
 * folder unpacked from it is a working database.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { installedPgliteVersion, readInitdbImageInfo } from '../../../src/adapters/db/initdb-image.js';
import { migrateDatabase, openDatabase } from '../../../src/adapters/db/index.js';

describe('the initdb image', () => {
  it('was made by the installed PGlite (after an upgrade: npm run db:image)', () => {
    expect(readInitdbImageInfo().pglite).toBe(installedPgliteVersion());
  });

  it('becomes a new data folder that migrates, stores and survives a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relaybot-image-'));
    try {
      let database = await openDatabase({ dataDir: dir });
      expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
      const { rows } = await database.db.execute<{ server_version: string }>(sql`show server_version`);
      expect(rows[0]?.server_version).toBe(readInitdbImageInfo().serverVersion);
      await migrateDatabase(database);
      await database.db.execute(sql`insert into contacts (scope, name_key, name, channel, address, created_at) values ('global', 'bob', 'Bob', 'sms', '+15551234567', now())`);
      await database.close();

      database = await openDatabase({ dataDir: dir });
      const again = await database.db.execute<{ name: string }>(sql`select name from contacts`);
      expect(again.rows.map((r) => r.name)).toEqual(['Bob']);
      await database.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
