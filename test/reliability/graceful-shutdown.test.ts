/**
 * SIGTERM on the real server, with the embedded PGlite default: it stops
 * taking requests at once, lets the delivery in flight finish, closes the
 * database cleanly and exits 0 — and the data is all there when the folder is
 * opened again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStores, openDatabase } from '../../src/adapters/db/index.js';
import { startFakeRelay, type FakeRelay } from '../fakes/relay-server.js';
import { killAllChildren, startServer, type ChildServer } from './child-server.js';
import { until } from './support.js';

describe('graceful shutdown of a server process', () => {
  let dataDir: string;
  let relay: FakeRelay;
  let server: ChildServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'relaybot-shutdown-'));
    relay = await startFakeRelay({ apiKey: 'relay-key' });
    server = await startServer({ RELAYBOT_DATA_DIR: dataDir, RELAY_BASE_URL: relay.url, RELAY_API_KEY: 'relay-key' });
  });
  afterAll(async () => {
    await killAllChildren();
    await relay?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** Draft through the chat endpoint, as the web console does; returns the draft id from the stream. */
  async function draftByChat(text: string): Promise<string> {
    const res = await fetch(`${server.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'shutdown-chat', userId: 'ops', messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text }] }] }),
    });
    const stream = await res.text();
    const id = /"type":"data-draft","id":"([^"]+)"/.exec(stream)?.[1];
    if (!id) throw new Error(`no draft in the chat answer: ${stream}`);
    return id;
  }

  const reachable = () =>
    fetch(`${server.url}/healthz`).then(
      () => true,
      () => false,
    );

  it('on SIGTERM stops intake, finishes the delivery in flight, closes the database and exits 0', async () => {
    const id = await draftByChat('text +15551234567 The office closes at 4 today.');
    relay.script({ status: 200, delayMs: 1500 });
    const confirm = await fetch(`${server.url}/api/drafts/${id}/confirm`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'ops' }),
    });
    expect(confirm.status).toBe(202);
    await until(() => relay.requests.length === 1, 'the relay to hold the request');

    server.signal('SIGTERM');
    await until(async () => !(await reachable()), 'the server to stop taking connections');
    // Intake stopped while the relay was still holding the delivery…
    expect(relay.delivered).toHaveLength(0);
    // …which was then allowed to finish before the process ended.
    expect(await server.exited).toBe(0);
    expect(relay.delivered).toHaveLength(1);
    expect(server.stderr()).toBe('');

    // The embedded database was closed cleanly: reopened, everything is there and the chain verifies.
    const database = await openDatabase({ dataDir });
    try {
      const stores = createStores(database);
      expect(await stores.drafts.get(id)).toMatchObject({ status: 'sent', attempts: 1, dryRun: false });
      const actions = (await stores.audit.list({ draftId: id })).map((e) => e.action);
      expect(actions).toContain('delivery.sent');
      expect(await stores.audit.verify()).toMatchObject({ ok: true });
    } finally {
      await database.close();
    }
  });
});
