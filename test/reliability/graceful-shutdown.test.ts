/**
 * SIGTERM on the real server, with the embedded PGlite default: it stops
 * taking requests at once, lets the delivery in flight finish, closes the
 * database cleanly and exits 0 — and the data is all there when the folder is
 * opened again.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
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

  /**
   * A connection with a request in flight at SIGTERM, as a load balancer's may be: the headers are read
   * (the server said 100 Continue) and the body is held back. `finishThenProbe` sends the body and then
   * asks GET /healthz on the same connection; it resolves with everything the server answered.
   */
  async function holdRequest(): Promise<{ finishThenProbe(): Promise<string> }> {
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    await once(socket, 'connect');
    socket.write('POST /api/nothing-here HTTP/1.1\r\nHost: relaybot\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n');
    await until(() => received.includes('100 Continue'), 'the server to start reading the held request');
    return {
      async finishThenProbe() {
        socket.write('{}GET /healthz HTTP/1.1\r\nHost: relaybot\r\nConnection: close\r\n\r\n');
        await once(socket, 'close');
        return received;
      },
    };
  }

  it('on SIGTERM stops intake, finishes the delivery in flight, closes the database and exits 0', async () => {
    const id = await draftByChat('text +15551234567 The office closes at 4 today.');
    relay.script({ status: 200, delayMs: 1500 });
    const confirm = await fetch(`${server.url}/api/drafts/${id}/confirm`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'ops' }),
    });
    expect(confirm.status).toBe(202);
    await until(() => relay.requests.length === 1, 'the relay to hold the request');
    const held = await holdRequest();

    server.signal('SIGTERM');
    await until(async () => !(await reachable()), 'the server to stop taking connections');
    // A probe on a connection still open is told the server is going away, so a load balancer sends traffic elsewhere.
    const answers = await held.finishThenProbe();
    expect(answers).toMatch(/HTTP\/1\.1 404 [\s\S]*HTTP\/1\.1 503 [\s\S]*\{"ok":false,"status":"shutting down"\}/);
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
