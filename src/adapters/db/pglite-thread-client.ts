/**
 * The embedded PGlite on its own thread. PGlite is Postgres compiled to
 * WASM: on the main thread every query blocks the event loop (150–200 µs, more
 * for writes), so under load HTTP acks queue behind database work. Here it
 * runs in a worker (pglite-worker.js), and this client forwards over messages
 * what drizzle-orm/pglite and its migrator call on a PGlite: `query()` and
 * `transaction()` (drizzle-orm 0.45, pglite/session.js), plus `exec()` and `close()`.
 *
 * Chosen over @electric-sql/pglite-socket (a Postgres wire server in the
 * worker, node-postgres in front): its 0.2.17 requires exactly PGlite 0.5.14
 * and seven extension packages as peer dependencies (`npm install` refuses it
 * next to our 0.5.16), and it serves one connection at a time (its newer
 * multiplexer "not all use cases are guaranteed to work"), so it would add a
 * TCP hop and protocol encoding on both sides for the same single connection.
 */
import { Worker } from 'node:worker_threads';
import type { PGlite, QueryOptions, Results } from '@electric-sql/pglite';
import { INITDB_IMAGE, installedPgliteVersion, readInitdbImageInfo } from './initdb-image.js';

const WORKER_FILE = new URL('./pglite-worker.js', import.meta.url);

/**
 * PGlite starts Postgres with a server's buffers (shared_buffers 128MB, which
 * it touches at start) in a WASM heap that never shrinks. relaybot's database
 * is small and its files sit in the OS page cache anyway, so a 16 MB buffer
 * pool loses nothing: measured with `npm run bench`, the server's peak RSS
 * went from 430–490 to 300–330 MiB with PGlite in-process, at the same speed.
 */
const MEMORY_SETTINGS = ['shared_buffers=16MB', 'wal_buffers=1MB', 'temp_buffers=1MB', 'work_mem=1MB', 'maintenance_work_mem=16MB'];

/** The part of a PGlite transaction the client offers (what drizzle calls on it). */
export interface PgliteThreadTransaction {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string): Promise<Results[]>;
  readonly closed: boolean;
}

/** A PGlite running on another thread, with the calls drizzle makes on one. */
export interface PgliteThreadClient extends PgliteThreadTransaction {
  /** BEGIN, `fn`, then COMMIT — or ROLLBACK when `fn` throws. Other statements wait meanwhile. */
  transaction<T>(fn: (tx: PgliteThreadTransaction) => Promise<T>): Promise<T>;
  /** Shuts Postgres down (writing everything to the data folder) and ends the thread. */
  close(): Promise<void>;
}

/** Starts the thread and opens PGlite in `dataDir` (a folder, or `memory://`); rejects with PGlite's error. */
export async function startPgliteThread(dataDir: string): Promise<PgliteThreadClient> {
  // No execArgv: the worker is plain JavaScript and needs none of the host's
  // flags (npm start's `--import tsx` would load the TypeScript loader into it).
  const client = new ThreadClient(new Worker(WORKER_FILE, { execArgv: [], name: 'pglite' }));
  await client.open(dataDir);
  return client;
}

/**
 * drizzle-orm/pglite types its client as the PGlite class but only calls
 * `query()` and `transaction()` on it, which this client provides.
 */
export function asDrizzleClient(client: PgliteThreadClient): PGlite {
  return client as unknown as PGlite;
}

type Request =
  | { op: 'open'; dataDir: string; startParams: string[]; image: string | undefined }
  | { op: 'query'; sql: string; params: unknown[]; rowMode: QueryOptions['rowMode']; paramTypes: number[] | undefined; textTypes: number[]; tx: number | undefined }
  | { op: 'exec'; sql: string; tx: number | undefined }
  | { op: 'begin' }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'close' };

type Reply = { id: number; result: unknown; error?: undefined } | { id: number; error: PlainError };
interface PlainError {
  name: string;
  message: string;
  [field: string]: unknown;
}
type Parsers = NonNullable<QueryOptions['parsers']>;

class ThreadClient implements PgliteThreadClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  #nextId = 1;
  /** Why no more requests are taken: closed, or the thread died. */
  #stopped: Error | undefined;
  #closing: Promise<void> | undefined;
  /** Transactions begun and not yet ended (their BEGIN's request id). */
  readonly #openTransactions = new Set<number>();
  /** The thread is gone: nothing can be sent, not even a ROLLBACK. */
  #dead = false;

  constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (reply: Reply) => this.#settle(reply));
    // An uncaught error ends the thread; 'exit' follows and fails what is still waiting.
    worker.on('error', (error) => this.#stop(new Error(`the embedded database stopped: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => this.#stop(new Error(`the embedded database stopped (thread exit code ${code})`)));
    // The thread keeps the process alive only while a request is waiting (see #send),
    // as PGlite on the main thread did: a finished CLI command still exits by itself.
    worker.unref();
  }

  get closed(): boolean {
    return this.#stopped !== undefined;
  }

  async open(dataDir: string): Promise<void> {
    const startParams = MEMORY_SETTINGS.flatMap((setting) => ['-c', setting]);
    try {
      await this.#send({ op: 'open', dataDir, startParams, image: usableInitdbImage() });
    } catch (error) {
      this.#stopped = new Error('the embedded database did not open');
      await this.#worker.terminate();
      throw error;
    }
  }

  async query<T>(sql: string, params: unknown[] = [], options: QueryOptions = {}, tx?: number): Promise<Results<T>> {
    const { rowMode, paramTypes, parsers } = supported(options);
    // Parsers are functions, which cannot cross threads: the worker leaves
    // those types as text, and they are parsed here (drizzle passes identity
    // parsers for dates and intervals, so it maps them itself).
    const textTypes = parsers ? Object.keys(parsers).map(Number) : [];
    const result = (await this.#send({ op: 'query', sql, params, rowMode, paramTypes, textTypes, tx })) as Results<T>;
    if (parsers) applyParsers(result, parsers, rowMode);
    return result;
  }

  async exec(sql: string, tx?: number): Promise<Results[]> {
    return (await this.#send({ op: 'exec', sql, tx })) as Results[];
  }

  async transaction<T>(fn: (tx: PgliteThreadTransaction) => Promise<T>): Promise<T> {
    // BEGIN is not awaited: the first statement follows at once and waits in
    // the worker until BEGIN is done. Every round trip inside a transaction
    // holds the database for everyone, so this one is saved.
    const { id, reply: begun } = this.#post({ op: 'begin' });
    this.#openTransactions.add(id);
    begun.catch(() => undefined); // a failed BEGIN also fails the first statement; it is awaited below
    let open = true;
    const closedError = () => Promise.reject(new Error('Transaction is closed'));
    const tx: PgliteThreadTransaction = {
      query: (sql, params, options) => (open ? this.query(sql, params, options, id) : closedError()),
      exec: (sql) => (open ? this.exec(sql, id) : closedError()),
      get closed() {
        return !open;
      },
    };
    let result: T;
    try {
      result = await fn(tx);
      await begun;
    } catch (error) {
      open = false;
      // A failed ROLLBACK means the thread is gone; the caller's error says more.
      await this.#send({ op: 'end', tx: id, commit: false })
        .catch(() => undefined)
        .finally(() => this.#openTransactions.delete(id));
      throw error;
    }
    open = false;
    try {
      await this.#send({ op: 'end', tx: id, commit: true });
    } finally {
      this.#openTransactions.delete(id);
    }
    return result;
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    if (this.#stopped) return;
    const closed = this.#send({ op: 'close' });
    // From now on a query is refused here with a clear reason, not sent to a closing PGlite.
    this.#stopped = new Error('the embedded database is closed');
    try {
      await closed;
    } finally {
      await this.#worker.terminate();
    }
  }

  #send(request: Request): Promise<unknown> {
    return this.#post(request).reply;
  }

  /** Posts a request; `id` names it (a transaction's id is its BEGIN's). */
  #post(request: Request): { id: number; reply: Promise<unknown> } {
    const id = this.#nextId++;
    // Once closing, new work is refused; a transaction already begun may still
    // run and end, or it would hold PGlite's lock and the close would wait forever.
    const finishing = 'tx' in request && request.tx !== undefined && this.#openTransactions.has(request.tx) && !this.#dead;
    if (this.#stopped && !finishing) return { id, reply: Promise.reject(this.#stopped) };
    const reply = new Promise((resolve, reject) => {
      this.#worker.postMessage({ ...request, id }); // throws (DataCloneError) on a parameter that cannot be copied
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
    });
    return { id, reply };
  }

  #settle(reply: Reply): void {
    const waiting = this.#pending.get(reply.id);
    if (!waiting) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.error) waiting.reject(Object.assign(new Error(reply.error.message), reply.error));
    else waiting.resolve(reply.result);
  }

  #stop(reason: Error): void {
    this.#dead = true;
    this.#stopped ??= reason;
    for (const waiting of this.#pending.values()) waiting.reject(reason);
    this.#pending.clear();
  }
}

/** The query options that can cross to the worker; the rest (functions, blobs) are refused, not dropped silently. */
function supported(options: QueryOptions): Pick<QueryOptions, 'rowMode' | 'paramTypes' | 'parsers'> {
  const { rowMode, paramTypes, parsers, ...rest } = options;
  const refused = Object.keys(rest).filter((key) => rest[key as keyof typeof rest] !== undefined);
  if (refused.length > 0) throw new Error(`PGlite query options not supported across threads: ${refused.join(', ')}`);
  return { rowMode, paramTypes, parsers };
}

/** Runs the caller's parsers on the columns the worker left as text, as PGlite would have. */
function applyParsers(result: Results<unknown>, parsers: Parsers, rowMode: QueryOptions['rowMode']): void {
  const rows = result.rows as unknown as Record<string | number, unknown>[];
  result.fields.forEach((field, index) => {
    // Typed with one argument, but PGlite calls parsers with the type id too.
    const parse = parsers[field.dataTypeID] as ((text: string, typeId: number) => unknown) | undefined;
    if (!parse) return;
    // In object mode a repeated column name keeps the last column's value, as in PGlite.
    if (rowMode !== 'array' && result.fields.findLastIndex((f) => f.name === field.name) !== index) return;
    const key = rowMode === 'array' ? index : field.name;
    for (const row of rows) {
      const text = row[key];
      if (text !== null && text !== undefined) row[key] = parse(text as string, field.dataTypeID);
    }
  });
}

/** The shipped initdb image, when it was made by the PGlite installed now (else PGlite runs initdb itself). */
function usableInitdbImage(): string | undefined {
  try {
    return readInitdbImageInfo().pglite === installedPgliteVersion() ? INITDB_IMAGE : undefined;
  } catch {
    return undefined;
  }
}
