/** The relay adapter: the HTTP client, the dry-run stand-in, and the retry timing the delivery worker uses. */
export { createHttpRelay, type HttpRelayOptions } from './http-relay.js';
export { createDryRunRelay } from './dry-run-relay.js';
export { parseRetryAfter } from './retry-after.js';
// backoffMs lives in core because the delivery worker (app) may not import adapters; re-exported for callers here.
export { backoffMs } from '../../core/backoff.js';
