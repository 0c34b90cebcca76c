/**
 * A database error carries the statement and its parameters (what people
 * wrote, conversation history); no log line may. Provoked for real, on each database.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStores, type Stores } from '../src/adapters/db/stores.js';
import { describe as describeSlackError } from '../src/adapters/slack/slack-errors.js';
import { loggableError } from '../src/adapters/telegram/safe-errors.js';
import { createWebApp, listen } from '../src/adapters/web/server.js';
import { createPrometheusMetrics } from '../src/adapters/metrics/prometheus.js';
import { createLogger } from '../src/logger.js';
import { testDatabaseTargets, type TestDatabase } from './fakes/database.js';
import { createTestApp, type TestApp } from './fakes/harness.js';

const SECRET = 'Wire-the-money-now-4711';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe.each(testDatabaseTargets())('error log lines on $name', (target) => {
  let database: TestDatabase;
  let stores: Stores;
  let dbError: unknown;
  let app: TestApp;

  beforeAll(async () => {
    database = await target.open();
    stores = createStores(database);
    app = await createTestApp();
    // A null byte cannot be stored: the statement fails, and drizzle's error holds the query and every parameter.
    dbError = await stores.conversations
      .put('log-test', { pending: null, history: [{ role: 'user', text: `${SECRET}\u0000` }], updatedAt: new Date() })
      .then(() => null, (error: unknown) => error);
  }, 60_000);
  afterAll(async () => {
    await database?.drop();
    await app?.close();
  });

  it('the provoked error does carry the text, so the test can fail', () => {
    expect(dbError).toBeInstanceOf(Error);
    expect(JSON.stringify({ message: (dbError as Error).message, ...(dbError as object) })).toContain(SECRET);
  });

  it('the logger writes the error without the text or the parameters, but with what failed', () => {
    const { logger, lines } = capture();
    logger.error({ err: dbError }, 'chat request failed');
    logger.error({ error: dbError }, (dbError as Error).message);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toMatch(/params|insert into|\$1/i);
    }
    const logged = JSON.parse(lines[0]!) as { err: { type: string; message: string; cause?: { code?: string } } };
    expect(logged.err.message).toMatch(/Failed query/);
    // The SQLSTATE survives: 22P05 (untranslatable character) or 22021 (invalid byte sequence), whichever the driver reports.
    expect(JSON.stringify(logged.err)).toMatch(/"code":"22/);
  });

  it('the Slack and Telegram error describers leave the text out too', () => {
    expect(describeSlackError(dbError)).not.toContain(SECRET);
    expect(describeSlackError(dbError)).toMatch(/Failed query/);
    expect(JSON.stringify(loggableError(dbError))).not.toContain(SECRET);
  });

  it('the web error funnel logs it safely and answers a sentence', async () => {
    const { logger, lines } = capture();
    const web = createWebApp({
      bot: app.bot,
            metrics: createPrometheusMetrics({ processMetrics: false }),
      logger,
      host: '127.0.0.1',
      clock: app.clock,
      mount: (express) =>
        express.get('/boom', () => {
          throw dbError;
        }),
    });
    const server = await listen(web, 0, '127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/boom`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain(SECRET);
    server.closeAllConnections();
    server.close();
    expect(lines.join('')).toMatch(/unhandled error/);
    expect(lines.join('')).not.toContain(SECRET);
  });
});
