/**
 * The embedded PGlite on its own thread: the event loop stays free while it
 * works, transactions keep the single connection to themselves, and errors
 * and parsed values come back as they did from PGlite itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgliteThread, type PgliteThreadClient } from '../../../src/adapters/db/pglite-thread-client.js';

describe('PGlite on a worker thread', () => {
  let client: PgliteThreadClient;
  beforeAll(async () => {
    client = await startPgliteThread('memory://');
  });
  afterAll(() => client.close());

  it('leaves the event loop free while a query runs', async () => {
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 5);
    const started = performance.now();
    // Seconds of work inside Postgres, which on the main thread would stop every timer until it ended.
    const result = await client.query<{ n: number }>('select count(*)::int as n from generate_series(1, 3000000)');
    const tookMs = performance.now() - started;
    clearInterval(timer);
    expect(result.rows).toEqual([{ n: 3_000_000 }]);
    expect(tookMs).toBeGreaterThan(100);
    // Timers kept firing all along, not just once at the end.
    expect(ticks.filter((at) => at < started + tookMs - 50).length).toBeGreaterThan(3);
  });

  it('runs a transaction alone: a query sent from outside meanwhile waits for its end', async () => {
    await client.exec('create table jobs (n int)');
    let outside: Promise<{ rows: { count: number }[] }> | undefined;
    await expect(
      client.transaction(async (tx) => {
        await tx.query('insert into jobs values (1)');
        outside = client.query('select count(*)::int as count from jobs');
        await tx.query('insert into jobs values (2)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    // Rolled back, and the outside query saw none of it.
    expect((await outside!).rows).toEqual([{ count: 0 }]);

    const kept = await client.transaction(async (tx) => {
      await tx.query('insert into jobs values ($1), ($2)', [3, 4]);
      return 'kept';
    });
    expect(kept).toBe('kept');
    expect((await client.query('select n from jobs order by n')).rows).toEqual([{ n: 3 }, { n: 4 }]);
  });

  it("passes Postgres' errors on with their code, constraint and message, and keeps working", async () => {
    await client.exec('create table keys (k text primary key)');
    await client.query("insert into keys values ('a')");
    const error = await client.query("insert into keys values ('a')").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      message: 'duplicate key value violates unique constraint "keys_pkey"',
      code: '23505',
      constraint: 'keys_pkey',
      table: 'keys',
    });
    const failedCommit = client.transaction(async (tx) => {
      await tx.query("insert into keys values ('b')");
      await tx.query("insert into keys values ('a')");
    });
    await expect(failedCommit).rejects.toMatchObject({ code: '23505' });
    expect((await client.query('select k from keys order by k')).rows).toEqual([{ k: 'a' }]);
  });

  it("applies the caller's parsers to their types, in both row modes, leaving nulls and other columns alone", async () => {
    const sql = "select '2026-01-02 03:04:05+00'::timestamptz as at, null::timestamptz as never, 7 as n";
    const parsers = { 1184: (text: string) => `parsed ${text}` };
    const arrays = await client.query<unknown[]>(sql, [], { rowMode: 'array', parsers });
    expect(arrays.rows).toEqual([['parsed 2026-01-02 03:04:05+00', null, 7]]);
    const objects = await client.query(sql, [], { parsers });
    expect(objects.rows).toEqual([{ at: 'parsed 2026-01-02 03:04:05+00', never: null, n: 7 }]);
    // Without parsers, PGlite's own: a Date.
    expect((await client.query<{ at: unknown }>(sql)).rows[0]!.at).toEqual(new Date('2026-01-02T03:04:05Z'));
  });

  it('refuses options that cannot cross threads instead of ignoring them', async () => {
    await expect(client.query('select $1::int as n', [1], { serializers: { 23: String } })).rejects.toThrow(/not supported across threads: serializers/);
  });

  it('closes: the thread ends and later queries say the database is closed', async () => {
    const other = await startPgliteThread('memory://');
    await other.close();
    expect(other.closed).toBe(true);
    await expect(other.query('select 1')).rejects.toThrow('the embedded database is closed');
    await other.close(); // twice is harmless
  });

  it('lets a transaction already running finish when close() is called, refusing only new work', async () => {
    const other = await startPgliteThread('memory://');
    await other.exec('create table t (n int)');
    let closing: Promise<void> | undefined;
    const committed = other.transaction(async (tx) => {
      await tx.query('insert into t values (1)');
      closing = other.close();
      // Statements and the COMMIT of this transaction still run; without them PGlite's lock would keep close() waiting forever.
      await tx.query('insert into t values (2)');
      return 'done';
    });
    expect(await committed).toBe('done');
    await closing;
    expect(other.closed).toBe(true);
    await expect(other.transaction(async () => 'late')).rejects.toThrow('the embedded database is closed');
  });
});
