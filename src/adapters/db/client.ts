/**
 * Opens the database: node-postgres when DATABASE_URL is set, otherwise an
 * embedded PGlite in RELAYBOT_DATA_DIR (a folder, or `memory://`). Both come
 * back as the same drizzle handle type, so every repository runs on either.
 * No module-level singleton: callers pass the `Database` around.
 */
import { chmod, mkdir, stat } from 'node:fs/promises';
import type { Assume, ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { AppError } from '../../core/errors.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { AuditKey, loadAuditKey } from './audit-key.js';
import { asDrizzleClient, startPgliteThread, type PgliteThreadClient } from './pglite-thread-client.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/**
 * What both drivers' raw results have in common: `rows`. With it,
 * `(await db.execute(sql`…`)).rows` is typed on either driver.
 */
export interface AppQueryResultHKT extends PgQueryResultHKT {
  type: AppQueryResult<Assume<this['row'], Record<string, unknown>>>;
}
export interface AppQueryResult<Row> {
  rows: Row[];
}
/** The drizzle handle the repositories use; both drivers' databases are assignable to it. */
export type AppDb = PgDatabase<AppQueryResultHKT, Schema>;
/** A transaction on `AppDb` (what `db.transaction(fn)` passes to `fn`). */
export type AppTx = PgTransaction<AppQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

interface DatabaseBase {
  db: AppDb;
  /** Signs this database's audit log (audit-key.ts). */
  auditKey: AuditKey;
  /** Ends the pool or shuts PGlite down (flushing it to disk). */
  close(): Promise<void>;
}
/**
 * An open database. `client` is the raw driver client, for migrations and
 * admin tasks; PGlite's runs on its own thread (pglite-thread-client.ts).
 */
export type Database =
  | (DatabaseBase & { kind: 'pglite'; client: PgliteThreadClient })
  | (DatabaseBase & { kind: 'postgres'; client: pg.Pool });

export interface OpenDatabaseOptions {
  /** `postgres://…`; unset → embedded PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite folder, or `memory://`; ignored when `databaseUrl` is set. */
  dataDir: string;
  /** Called when an idle pooled connection fails (the pool replaces it); default: ignore. */
  onPoolError?: ((error: Error) => void) | undefined;
  /** AUDIT_KEY (or an already loaded key); unset → the key file in `dataDir`, see audit-key.ts. */
  auditKey?: string | AuditKey | undefined;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const opened = opts.databaseUrl ? await openPostgres(opts.databaseUrl, opts.onPoolError) : await openPglite(opts.dataDir);
  try {
    // After the database: PGlite creates its folder on an empty directory, and the key file lives beside its files.
    const auditKey =
      opts.auditKey instanceof AuditKey ? opts.auditKey : await loadAuditKey({ auditKey: opts.auditKey, dataDir: opts.dataDir, databaseUrl: opts.databaseUrl });
    return Object.assign(opened, { auditKey }) as Database;
  } catch (error) {
    await opened.close().catch(() => undefined);
    throw error;
  }
}

type Opened = Omit<Database, 'auditKey'>;

async function openPostgres(databaseUrl: string, onPoolError?: (error: Error) => void): Promise<Opened> {
  const pool = new pg.Pool({ connectionString: databaseUrl });
  // Without a listener, an idle connection dropped by the server would crash the process.
  pool.on('error', (error) => onPoolError?.(error));
  try {
    // Fail at start, with one clear line, rather than on the first request.
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new AppError('invalid:config', `DATABASE_URL: cannot connect to ${describeUrl(databaseUrl)}: ${errorText(error)}.`, { cause: error });
  }
  const db: AppDb = drizzlePg({ client: pool, schema });
  return { kind: 'postgres', client: pool, db, close: () => pool.end() };
}

async function openPglite(dataDir: string): Promise<Opened> {
  const onDisk = !dataDir.includes('://');
  let client: PgliteThreadClient;
  let lock: DataDirLock | null = null;
  try {
    if (onDisk) {
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      // The folder holds every message and the audit key, and PGlite writes its files world-readable
      // (0666): as Postgres itself insists, only the owner may enter the folder.
      if (((await stat(dataDir)).mode & 0o077) !== 0) await chmod(dataDir, 0o700);
      // Before PGlite touches a file: a second opener would silently lose the first one's writes.
      lock = await lockDataDir(dataDir);
    }
    client = await startPgliteThread(dataDir);
  } catch (error) {
    await lock?.release();
    if (AppError.is(error)) throw error;
    throw new AppError('invalid:config', `RELAYBOT_DATA_DIR: cannot open the embedded database in ${dataDir}: ${errorText(error)}.`, { cause: error });
  }
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  const db: AppDb = drizzlePglite({ client: asDrizzleClient(client), schema });
  const close = async () => {
    try {
      await client.close();
    } finally {
      await lock?.release();
    }
  };
  return { kind: 'pglite', client, db, close };
}

/** host:port/database, never the password. */
function describeUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return 'the configured server (the URL does not parse)';
  }
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\.$/, '') || 'unknown error';
}
