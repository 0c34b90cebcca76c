import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStores, type Stores } from '../../../src/adapters/db/stores.js';
import type { Draft } from '../../../src/core/draft.js';
import { testDatabaseTargets, type TestDatabase } from '../../fakes/database.js';
import { event, freshActor, newDraft } from './helpers.js';

const LEASE = 30_000;

describe.each(testDatabaseTargets())('DeliveryQueue on $name', (target) => {
  let database: TestDatabase;
  let stores: Stores;
  const t0 = new Date('2031-06-01T12:00:00.000Z');
  const later = (ms: number) => new Date(t0.getTime() + ms);

  beforeAll(async () => {
    database = await target.open();
    stores = createStores(database);
  });
  afterAll(() => database?.drop());
  // Every test starts with an empty outbox (the audit log is append-only and simply grows).
  beforeEach(async () => {
    await database.db.execute(sql`truncate deliveries, draft_cards, drafts`);
  });

  async function confirmed(): Promise<Draft> {
    const ada = freshActor();
    const draft = await stores.drafts.create(newDraft(ada), t0, event('draft.created', ada));
    const done = await stores.drafts.confirm(draft.id, draft.version, ada, t0, event('draft.confirmed', ada));
    if (!done) throw new Error('confirm failed');
    return done;
  }

  it('never hands the same job to two concurrent claims', async () => {
    const ids = (await Promise.all(Array.from({ length: 6 }, confirmed))).map((d) => d.id);
    const [a, b] = await Promise.all([stores.deliveries.claim(t0, LEASE, 4), stores.deliveries.claim(t0, LEASE, 4)]);
    const claimed = [...(a ?? []), ...(b ?? [])].map((j) => j.draft.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.sort()).toEqual([...ids].sort());
    expect(await stores.deliveries.claim(t0, LEASE, 10)).toEqual([]);
  });

  it.skipIf(target.name === 'pglite')('skips a job another transaction holds instead of waiting for it', async () => {
    const held = await confirmed();
    const free = await confirmed();
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select draft_id from deliveries where draft_id = ${held.id} for update`);
      const jobs = await stores.deliveries.claim(t0, LEASE, 10);
      expect(jobs.map((j) => j.draft.id)).toEqual([free.id]);
    });
  });

  it('marks a claimed draft sending, and hands a job whose lease ran out to the next claim as attempt 2 with the same key', async () => {
    const draft = await confirmed();
    const [first] = await stores.deliveries.claim(t0, LEASE, 10);
    expect(first).toMatchObject({ attempt: 1, draft: { id: draft.id, status: 'sending', attempts: 1 } });

    // The worker "crashes": nothing is due while its lease holds…
    expect(await stores.deliveries.claim(later(LEASE - 1), LEASE, 10)).toEqual([]);
    // …and once it has run out, another worker takes over.
    const [second] = await stores.deliveries.claim(later(LEASE + 1), LEASE, 10);
    expect(second).toMatchObject({ attempt: 2, draft: { id: draft.id, status: 'sending', attempts: 2 } });
    expect(second?.draft.idempotencyKey).toBe(draft.idempotencyKey);
    const claims = (await stores.audit.list({ draftId: draft.id })).filter((e) => e.action === 'delivery.claimed');
    expect(claims.map((e) => e.details.attempt)).toEqual([2, 1]);
  });

  it('succeeds once: the draft is sent, the job is done, a late second outcome changes nothing', async () => {
    const draft = await confirmed();
    // Not claimed yet, so not sending: nothing to succeed.
    expect(await stores.deliveries.succeed(draft.id, { dryRun: false, relayMessageId: 'm-0' }, t0, event('draft.sent'))).toBeNull();
    await stores.deliveries.claim(t0, LEASE, 10);
    const sent = await stores.deliveries.succeed(draft.id, { dryRun: true, relayMessageId: 'msg-42' }, later(1000), event('draft.sent', null, { status: 200 }));
    expect(sent).toMatchObject({ status: 'sent', dryRun: true, relayMessageId: 'msg-42', failureReason: null });
    expect(await stores.deliveries.fail(draft.id, 'late', later(2000), event('draft.failed'))).toBeNull();
    expect(await stores.deliveries.claim(later(10 * LEASE), LEASE, 10)).toEqual([]);
    const actions = (await stores.audit.list({ draftId: draft.id })).map((e) => e.action);
    expect(actions.filter((a) => a === 'draft.sent' || a === 'draft.failed')).toEqual(['draft.sent']);
  });

  it('retries at the given time, then fails with a readable reason', async () => {
    const draft = await confirmed();
    await stores.deliveries.claim(t0, LEASE, 10);
    await stores.deliveries.retryAt(draft.id, later(60_000), 'relay answered 503', event('relay.attempt', null, { status: 503 }));
    expect(await stores.deliveries.claim(later(59_000), LEASE, 10)).toEqual([]);
    const [retry] = await stores.deliveries.claim(later(60_000), LEASE, 10);
    expect(retry).toMatchObject({ attempt: 2, draft: { id: draft.id } });

    const failed = await stores.deliveries.fail(draft.id, 'The relay refused the number.', later(61_000), event('draft.failed', null, { status: 400 }));
    expect(failed).toMatchObject({ status: 'failed', failureReason: 'The relay refused the number.', attempts: 2 });
    expect(await stores.deliveries.claim(later(10 * 60_000), LEASE, 10)).toEqual([]);
    const actions = (await stores.audit.list({ draftId: draft.id })).map((e) => e.action);
    expect(actions).toEqual(['draft.failed', 'delivery.claimed', 'relay.attempt', 'delivery.claimed', 'draft.confirmed', 'draft.created']);
  });

  it('release gives a claimed job back at once without using up an attempt', async () => {
    const draft = await confirmed();
    await stores.deliveries.claim(t0, LEASE, 10);
    await stores.deliveries.release(draft.id);
    const [again] = await stores.deliveries.claim(later(1), LEASE, 10);
    expect(again).toMatchObject({ attempt: 1, draft: { id: draft.id, attempts: 1 } });
  });

  it('records outcomes reported at once each on its own draft, with its own audit event', async () => {
    const drafts = await Promise.all([confirmed(), confirmed(), confirmed()]);
    await stores.deliveries.claim(t0, LEASE, 10);
    const [a, b, c] = drafts as [Draft, Draft, Draft];
    // Reported at once, as a worker's parallel relay calls finish: they share a round.
    const outcomes = await Promise.all([
      stores.deliveries.succeed(a.id, { dryRun: false, relayMessageId: 'msg-a' }, later(100), event('delivery.sent', null, { n: 'a' })),
      stores.deliveries.fail(b.id, 'The relay refused: 400 bad number.', later(100), event('delivery.failed', null, { n: 'b' })),
      stores.deliveries.succeed(c.id, { dryRun: true, relayMessageId: null }, later(100), event('delivery.sent', null, { n: 'c' })),
    ]);
    expect(outcomes.map((d) => [d?.id, d?.status, d?.relayMessageId, d?.failureReason])).toEqual([
      [a.id, 'sent', 'msg-a', null],
      [b.id, 'failed', null, 'The relay refused: 400 bad number.'],
      [c.id, 'sent', null, null],
    ]);
    for (const [draft, action, n] of [[a, 'delivery.sent', 'a'], [b, 'delivery.failed', 'b'], [c, 'delivery.sent', 'c']] as const) {
      const last = (await stores.audit.list({ draftId: draft.id }))[0];
      expect(last).toMatchObject({ action, details: { n } });
    }
    expect(await stores.deliveries.claim(later(10 * LEASE), LEASE, 10)).toEqual([]);
  });

  it('removes a job as it finishes, sent or failed, keeping the outcome and attempts on the draft', async () => {
    const drafts = await Promise.all([confirmed(), confirmed(), confirmed()]);
    const jobs = async () => (await database.db.execute<{ draft_id: string }>(sql`select draft_id from deliveries`)).rows.map((r) => r.draft_id);
    const [sent, failed] = (await stores.deliveries.claim(t0, LEASE, 2)).map((j) => j.draft) as [Draft, Draft];
    await stores.deliveries.succeed(sent.id, { dryRun: false, relayMessageId: 'msg-1' }, later(100), event('draft.sent'));
    await stores.deliveries.fail(failed.id, 'The relay refused the number.', later(100), event('draft.failed'));

    // Only the job still to deliver is left in the outbox.
    const waiting = drafts.find((d) => d.id !== sent.id && d.id !== failed.id)!;
    expect(await jobs()).toEqual([waiting.id]);
    expect(await stores.drafts.get(sent.id)).toMatchObject({ status: 'sent', relayMessageId: 'msg-1', attempts: 1 });
    expect(await stores.drafts.get(failed.id)).toMatchObject({ status: 'failed', failureReason: 'The relay refused the number.', attempts: 1 });
  });

  it('closes a job whose draft is no longer deliverable instead of leasing it forever', async () => {
    const draft = await confirmed();
    // Should not happen; if it does, the job must not come back at every claim.
    await database.db.execute(sql`update drafts set status = 'cancelled' where id = ${draft.id}`);
    expect(await stores.deliveries.claim(t0, LEASE, 10)).toEqual([]);
    const [job] = (await database.db.execute(sql`select done, last_error from deliveries where draft_id = ${draft.id}`)).rows as { done: boolean; last_error: string }[];
    expect(job).toEqual({ done: true, last_error: 'the draft is no longer deliverable' });
    expect(await stores.deliveries.claim(later(10 * LEASE), LEASE, 10)).toEqual([]);
  });
});
