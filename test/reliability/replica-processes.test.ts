/**
 * Real server processes on one PostgreSQL, against the fake relay:
 *  - two replicas racing clicks on the same drafts relay each exactly once;
 *  - a replica killed with SIGKILL while the relay holds its requests, then
 *    restarted, leaves exactly one accepted send per draft (same idempotency key).
 * Needs a database several processes can share, so it runs only when
 * TEST_DATABASE_URL is set (CI sets it).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStores, type Stores } from '../../src/adapters/db/index.js';
import type { Draft } from '../../src/core/draft.js';
import { TEST_AUDIT_KEY, testDatabaseTargets, type TestDatabase } from '../fakes/database.js';
import { startFakeRelay, type FakeRelay } from '../fakes/relay-server.js';
import { killAllChildren, startServer, type ChildServer } from './child-server.js';
import { databaseUrl } from './replicas.js';
import { actionsFor, pendingDraft, until } from './support.js';

const postgres = testDatabaseTargets().find((t) => t.name === 'postgres');
if (!postgres) {
  console.log('replica-processes: skipped — set TEST_DATABASE_URL to run several server processes on one PostgreSQL');
}

describe.skipIf(!postgres)('server processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let stores: Stores;
  let relay: FakeRelay;
  let env: Record<string, string>;
  let one: ChildServer;
  let two: ChildServer;

  beforeAll(async () => {
    database = await postgres!.open();
    stores = createStores(database);
    relay = await startFakeRelay({ apiKey: 'relay-key' });
    // Every replica, and this test's own stores, sign the audit log with one key.
    env = { DATABASE_URL: databaseUrl(database), AUDIT_KEY: TEST_AUDIT_KEY, RELAY_BASE_URL: relay.url, RELAY_API_KEY: 'relay-key' };
    [one, two] = await Promise.all([startServer(env), startServer(env)]);
  });
  afterAll(async () => {
    await killAllChildren();
    await relay?.close();
    await database?.drop();
  });

  const confirmOn = async (server: ChildServer, draft: Draft): Promise<number> => {
    const res = await fetch(`${server.url}/api/drafts/${draft.id}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: draft.requester.userId }),
    });
    await res.text();
    return res.status;
  };
  const requestsFor = (draft: Draft) => relay.requests.filter((r) => r.body?.idempotency_key === draft.idempotencyKey);
  const deliveredFor = (draft: Draft) => relay.delivered.filter((d) => d.idempotencyKey === draft.idempotencyKey);
  const allSent = (drafts: Draft[], what: string) =>
    until(async () => {
      const statuses = await Promise.all(drafts.map(async (d) => (await stores.drafts.get(d.id))?.status));
      return statuses.every((s) => s === 'sent');
    }, what);

  it('relays each of 20 drafts exactly once when both replicas get every click at the same time', async () => {
    const drafts = await Promise.all(Array.from({ length: 20 }, () => pendingDraft(stores, new Date())));

    const statuses = await Promise.all(drafts.map((d) => Promise.all([confirmOn(one, d), confirmOn(two, d)])));

    // Per draft: one click wins (202), the other is told it was already approved (409).
    for (const pair of statuses) expect(pair.sort()).toEqual([202, 409]);
    await allSent(drafts, 'all 20 drafts sent');
    for (const draft of drafts) {
      expect(requestsFor(draft)).toHaveLength(1);
      expect(deliveredFor(draft)).toHaveLength(1);
    }
    // Two processes appended to one hash chain at once, and it still verifies.
    expect(await stores.audit.verify()).toMatchObject({ ok: true });
    // Each step is in the chain exactly once, whichever process sealed it.
    for (const draft of drafts) {
      const actions = (await stores.audit.list({ draftId: draft.id })).map((e) => e.action);
      expect(actions.filter((a) => a === 'draft.confirmed')).toHaveLength(1);
      expect(actions.filter((a) => a === 'delivery.sent')).toHaveLength(1);
    }
  });

  it('stops on SIGTERM when idle, with exit code 0', async () => {
    two.signal('SIGTERM');
    expect(await two.exited).toBe(0);
    expect(two.stderr()).not.toMatch(/error/i);
  });

  it('after SIGKILL mid-delivery and a restart, each draft is accepted by the relay exactly once', async () => {
    const drafts = await Promise.all(Array.from({ length: 5 }, () => pendingDraft(stores, new Date())));
    // The relay holds each request, then acts on it even though the sender is gone by then.
    relay.script(...drafts.map(() => ({ status: 200, delayMs: 1500 })));
    for (const draft of drafts) expect(await confirmOn(one, draft)).toBe(202);
    await until(() => drafts.every((d) => requestsFor(d).length === 1), 'all five requests held by the relay');

    one.signal('SIGKILL');
    expect(await one.exited).toBe('SIGKILL');
    const restarted = await startServer(env);
    // Rather than wait out the 30 s lease, age it: to the restarted process the dead one's claims have lapsed.
    await database.db.execute(sql`update deliveries set lease_until = now() - interval '1 second' where not done`);

    await allSent(drafts, 'all five drafts sent after the restart');
    for (const draft of drafts) {
      expect(requestsFor(draft).map((r) => r.body.idempotency_key)).toEqual([draft.idempotencyKey, draft.idempotencyKey]);
      expect(deliveredFor(draft)).toHaveLength(1);
      expect(await stores.drafts.get(draft.id)).toMatchObject({ status: 'sent', attempts: 2 });
      const actions = await actionsFor(stores, draft.id);
      expect(actions.filter((a) => a === 'delivery.claimed')).toHaveLength(2);
      expect(actions.filter((a) => a === 'delivery.sent')).toHaveLength(1);
    }
    restarted.signal('SIGTERM');
    expect(await restarted.exited).toBe(0);
  });
});
