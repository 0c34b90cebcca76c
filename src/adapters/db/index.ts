/** The storage adapter's public surface, for the composition root and the CLI. */
export { openDatabase, type AppDb, type AppTx, type Database, type OpenDatabaseOptions } from './client.js';
export { migrateDatabase, MIGRATIONS_FOLDER } from './migrate.js';
export { createStores, type Stores } from './stores.js';
export { appendAudit } from './audit-log.js';
export { GLOBAL_SCOPE } from './contact-book.js';
