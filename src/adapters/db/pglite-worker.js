/**
 * The embedded PGlite, on its own thread; pglite-thread-client.ts is the
 * other end and says why. Each request `{ id, op, … }` gets exactly one
 * reply: `{ id, result }` or `{ id, error }`.
 *
 * Plain JavaScript on purpose: Node loads a Worker's file itself, outside
 * tsx and vitest's transform, so a .ts worker would need a loader set up in
 * every host (npm start, the CLI, the tests). It imports nothing but PGlite
 * and Node's own modules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { parentPort } from 'node:worker_threads';

/*
 * Compile PGlite's WebAssembly with V8's baseline compiler only. The optimising
 * tier roughly doubles the compiled code (about 60 MiB more resident memory,
 * measured at restart: 275 → 214 MiB for the whole server) and keeps a core
 * busy for seconds at start; the embedded default is for small teams, where
 * memory counts more than peak queries per second. It must be set before the
 * module is compiled, hence the dynamic import below. (V8 flags are per
 * process: it only applies in embedded mode, where this thread exists.)
 */
setFlagsFromString('--liftoff-only');
const { PGlite } = await import('@electric-sql/pglite');

/** @type {PGlite | undefined} */
let db;
/**
 * Open transactions by id. Each one holds PGlite's own transaction lock, so
 * plain queries sent meanwhile wait in PGlite exactly as they would on the
 * main thread; only the transaction's own statements run.
 * @type {Map<number, { tx: Promise<import('@electric-sql/pglite').Transaction>, finish?: (commit: boolean) => void, done?: Promise<void> }>}
 */
const transactions = new Map();

/** Leaves a value as Postgres' text; the client applies the caller's parser to it. */
const keepText = (/** @type {string} */ text) => text;

const handlers = {
  /** `image`: a data folder made by initdb once (initdb-image.ts), unpacked instead of running initdb for a new database. */
  async open({ dataDir, startParams, image }) {
    const isNew = dataDir.includes('://') || !existsSync(join(dataDir, 'PG_VERSION'));
    const loadDataDir = image && isNew ? new Blob([readFileSync(image)]) : undefined;
    db = await PGlite.create(dataDir, { startParams: [...PGlite.defaultStartParams, ...startParams], ...(loadDataDir && { loadDataDir }) });
  },

  async query({ sql, params, rowMode, paramTypes, textTypes, tx }) {
    const parsers = Object.fromEntries(textTypes.map((/** @type {number} */ oid) => [oid, keepText]));
    return (await target(tx)).query(sql, params, { rowMode, paramTypes, parsers });
  },

  async exec({ sql, tx }) {
    return (await target(tx)).exec(sql);
  },

  /**
   * BEGIN, and keep PGlite's transaction open until `end`; the request id
   * names the transaction. The client sends the first statements without
   * waiting for this reply: they wait here until BEGIN is done, and get its
   * error if it fails.
   */
  async begin({ id }) {
    const entry = {};
    entry.tx = new Promise((resolve, reject) => {
      entry.done = open().transaction(async (tx) => {
        resolve(tx);
        const commit = await new Promise((finish) => {
          entry.finish = finish;
        });
        // Returning commits; after rollback() PGlite sees the transaction closed and leaves it.
        if (!commit) await tx.rollback();
      });
      entry.done.catch(reject);
    });
    transactions.set(id, entry);
    await entry.tx;
    return id;
  },

  /** COMMIT (or ROLLBACK) and release PGlite's transaction lock; a failed COMMIT is the reply's error. */
  async end({ tx, commit }) {
    const entry = transactions.get(tx);
    if (!entry) throw new Error('Transaction is closed');
    transactions.delete(tx);
    await entry.tx;
    entry.finish(commit);
    await entry.done;
  },

  /** Shuts Postgres down, which writes everything to the data folder. */
  async close() {
    if (db && !db.closed) await db.close();
  },
};

function open() {
  if (!db) throw new Error('the embedded database is not open');
  return db;
}

/** The transaction a statement belongs to (once it has begun), or the database for a statement outside one. */
async function target(/** @type {number | undefined} */ tx) {
  if (tx === undefined) return open();
  const entry = transactions.get(tx);
  if (!entry) throw new Error('Transaction is closed');
  return entry.tx;
}

/**
 * An error as plain data: structured cloning would keep only the message,
 * and callers need Postgres' fields (code, detail, constraint…) as before.
 * Non-primitive fields (PGlite attaches the query's params and options) stay behind.
 */
function plainError(/** @type {unknown} */ error) {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const plain = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) plain[key] = value;
  }
  return plain;
}

parentPort.on('message', (request) => {
  const reply = (message) => {
    try {
      parentPort.postMessage(message);
    } catch (error) {
      parentPort.postMessage({ id: request.id, error: plainError(error) }); // a result that cannot be cloned
    }
  };
  const handler = handlers[request.op];
  if (!handler) return reply({ id: request.id, error: { name: 'Error', message: `unknown request ${request.op}` } });
  handler(request).then(
    (result) => reply({ id: request.id, result }),
    (error) => reply({ id: request.id, error: plainError(error) }),
  );
});
