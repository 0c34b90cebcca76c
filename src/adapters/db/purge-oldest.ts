import { sql, type AnyColumn } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { AppDb } from './client.js';
import { limitLiteral } from './schema.js';

/**
 * Delete up to `limit` rows of `table` whose `time` is before `before`, oldest
 * first (on the index over `time`), by row address (a TID scan); SKIP LOCKED
 * leaves rows another replica is purging. Returns how many went.
 */
export async function purgeOldest(db: AppDb, table: PgTable, time: AnyColumn, before: Date, limit: number): Promise<number> {
  const column = sql.identifier(time.name);
  const { rows } = await db.execute<{ purged: number }>(sql`
    with old as (
      select ctid from ${table} where ${column} < ${before.toISOString()}::timestamptz
      order by ${column} limit ${limitLiteral(limit)} for update skip locked
    ),
    d as (delete from ${table} where ctid = any(array(select ctid from old)) returning 1)
    select count(*)::int as purged from d`);
  return Number(rows[0]?.purged ?? 0);
}
