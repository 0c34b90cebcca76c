/**
 * With no OTLP endpoint, tracing costs nothing and changes nothing: the SDK is
 * never imported (only the entry point loads it, dynamically), no traceparent
 * is stored or sent, and log lines carry no trace id.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTraceparent, inSpan } from '../../src/app/tracing.js';
import { createHttpRelay } from '../../src/adapters/relay/http-relay.js';
import { createLogger } from '../../src/logger.js';
import { startFakeRelay, type FakeRelay } from '../fakes/relay-server.js';

const SRC = join(import.meta.dirname, '../../src');
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));

describe('tracing off', () => {
  let relay: FakeRelay;
  beforeAll(async () => {
    relay = await startFakeRelay({ apiKey: 'k' });
  });
  afterAll(() => relay.close());

  it('loads the SDK and instrumentations nowhere but in the tracing adapter, which only the entry point imports, dynamically', () => {
    const sdkImports = filesUnder(SRC)
      .filter((file) => /\.(ts|mjs|js)$/.test(file))
      .filter((file) => /from '@opentelemetry\/(?!api')|import\('@opentelemetry\/(?!api')/.test(readFileSync(file, 'utf8')))
      .map((file) => file.slice(SRC.length + 1));
    expect(sdkImports).toEqual(['adapters/tracing/sdk.ts']);
    const importers = filesUnder(SRC).filter((file) => !file.endsWith('start.mjs') && /tracing\/sdk(\.js)?'/.test(readFileSync(file, 'utf8')));
    expect(importers).toEqual([]);
    expect(readFileSync(join(SRC, 'start.mjs'), 'utf8')).toMatch(/await import\(sibling\('\.\/adapters\/tracing\/sdk'\)\)/);
  });

  it('stores and sends no traceparent, and logs no trace id', async () => {
    await inSpan('request', {}, async () => {
      expect(currentTraceparent()).toBeNull();
      await createHttpRelay({ baseUrl: relay.url, apiKey: 'k' }).send({ channel: 'sms', to: '+15551234567', text: 'hi', subject: null, idempotencyKey: 'off-1' });
    });
    expect(relay.requests[0]!.headers.traceparent).toBeUndefined();

    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done(); } }));
    await inSpan('request', {}, async () => logger.info({}, 'inside'));
    expect(JSON.parse(lines[0]!).trace_id).toBeUndefined();
  });
});
