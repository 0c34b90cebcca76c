/**
 * The outbox worker against a real database and a relay the test answers by
 * hand, so the order of events — not timing — decides every assertion.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStores, type Stores } from '../../src/adapters/db/index.js';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../../src/app/delivery-worker.js';
import { AppError } from '../../src/core/errors.js';
import type { Clock, Notifier, Relay } from '../../src/core/ports.js';
import { testDatabaseTargets, type TestDatabase } from '../fakes/database.js';
import { silentLogger } from '../fakes/harness.js';
import { actionsFor, confirmedDraft, heldRelay, recordingNotifier, until } from '../reliability/support.js';

const LEASE = 30_000;
const retryable = () => new AppError('unavailable:relay', 'The relay had a problem on its side (HTTP 503).', { isRetryable: true });

describe.each(testDatabaseTargets())('DeliveryWorker on $name', (target) => {
  let database: TestDatabase;
  let stores: Stores;
  const workers: DeliveryWorker[] = [];
  /** A process's view of time; `skewMs` lets one "process" live past another's leases. */
  const clockAt = (skewMs = 0): Clock => ({ now: () => new Date(Date.now() + skewMs) });

  function worker(relay: Relay, options: DeliveryWorkerOptions = {}, extra: { notifier?: Notifier; clock?: Clock } = {}) {
    const w = new DeliveryWorker(
      { deliveries: stores.deliveries, relay, notifier: extra.notifier ?? recordingNotifier(), clock: extra.clock ?? clockAt(), logger: silentLogger },
      { leaseMs: LEASE, pollMs: 10, backoffBaseMs: 1, backoffCapMs: 5, ...options },
    );
    workers.push(w);
    return w;
  }

  beforeAll(async () => {
    database = await target.open();
    stores = createStores(database);
  });
  afterAll(() => database?.drop());
  beforeEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop(0)));
    // Every test starts with an empty outbox (the audit log is append-only and simply grows).
    await database.db.execute(sql`truncate deliveries, draft_cards, drafts`);
  });

  it('keeps up to batchSize deliveries in flight, and a slow one does not hold back the next due job', async () => {
    const relay = heldRelay();
    const drafts = [await confirmedDraft(stores, new Date()), await confirmedDraft(stores, new Date()), await confirmedDraft(stores, new Date())];
    worker(relay, { batchSize: 2 }).start();

    await until(() => relay.calls.length === 2, 'two deliveries in flight');
    const [slow, quick] = relay.calls;
    quick!.answer();
    // The freed slot goes to the third job while the first call is still hanging.
    await until(() => relay.calls.length === 3, 'the third delivery to start');
    expect(relay.calls).toHaveLength(3);
    relay.calls[2]!.answer();
    slow!.answer();

    for (const draft of drafts) {
      await until(async () => (await stores.drafts.get(draft.id))?.status === 'sent', `${draft.id} sent`);
    }
    expect(new Set(relay.calls.map((c) => c.message.idempotencyKey))).toEqual(new Set(drafts.map((d) => d.idempotencyKey)));
  });

  it('gives up after maxAttempts, marks the draft failed with a reason, and tells the requester', async () => {
    const relay = heldRelay();
    const notifier = recordingNotifier();
    const draft = await confirmedDraft(stores, new Date());
    worker(relay, { maxAttempts: 3 }, { notifier }).start();

    for (let attempt = 1; attempt <= 3; attempt++) {
      await until(() => relay.calls.length === attempt, `attempt ${attempt}`);
      relay.calls[attempt - 1]!.fail(retryable());
    }
    const failed = await until(async () => {
      const d = await stores.drafts.get(draft.id);
      return d?.status === 'failed' && d;
    }, 'the draft to fail');

    expect(failed.failureReason).toBe('The relay had a problem on its side (HTTP 503). (gave up after 3 attempts)');
    expect(failed.attempts).toBe(3);
    expect(relay.calls.map((c) => c.message.idempotencyKey)).toEqual([draft.idempotencyKey, draft.idempotencyKey, draft.idempotencyKey]);
    expect(notifier.seen.map((s) => s.status)).toEqual(['sending', 'failed']);
    const actions = (await actionsFor(stores, draft.id)).filter((a) => a.startsWith('delivery.') && a !== 'delivery.claimed');
    expect(actions).toEqual(['delivery.retry', 'delivery.retry', 'delivery.failed']);
  });

  it('after a worker dies mid-delivery, another takes the job over once the lease lapses, with the same key; the dead one\'s late answer changes nothing', async () => {
    const relay = heldRelay();
    const draft = await confirmedDraft(stores, new Date());
    const dead = worker(relay);
    void dead.runOnce();
    await until(() => relay.calls.length === 1, 'the first attempt to reach the relay');

    // While the lease holds, nobody else may touch the job…
    const impatient = worker(relay, {}, { clock: clockAt(LEASE / 2) });
    expect(await impatient.runOnce()).toBe(0);
    // …once it has lapsed, the next process retries it.
    const successor = worker(relay, {}, { clock: clockAt(LEASE + 1000) });
    const handled = successor.runOnce();
    await until(() => relay.calls.length === 2, 'the retry to reach the relay');
    relay.calls[1]!.answer();
    expect(await handled).toBe(1);
    relay.calls[0]!.answer({ relayMessageId: 'late' });
    await until(() => dead.activeJobs === 0, 'the dead worker\'s call to end');

    expect(relay.calls.map((c) => c.message.idempotencyKey)).toEqual([draft.idempotencyKey, draft.idempotencyKey]);
    const sent = await stores.drafts.get(draft.id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, relayMessageId: 'm-2' });
    expect((await actionsFor(stores, draft.id)).filter((a) => a === 'delivery.sent')).toEqual(['delivery.sent']);
  });

  it('on stop, finishes what the relay answers in time and releases the rest for another process to send with the same key', async () => {
    const relay = heldRelay();
    const first = await confirmedDraft(stores, new Date());
    const second = await confirmedDraft(stores, new Date());
    const stopping = worker(relay);
    stopping.start();
    await until(() => relay.calls.length === 2, 'both deliveries in flight');

    const stopped = stopping.stop(200);
    const answered = relay.calls.find((c) => c.message.idempotencyKey === first.idempotencyKey)!;
    answered.answer();
    await stopped;

    expect((await stores.drafts.get(first.id))!.status).toBe('sent');
    expect(await actionsFor(stores, second.id)).toContain('delivery.released');
    // The released job is due now, not after the lease, and does not count as an attempt.
    const next = worker(relay);
    const handled = next.runOnce();
    await until(() => relay.calls.length === 3, 'the released job to be retried');
    expect(relay.calls[2]!.message.idempotencyKey).toBe(second.idempotencyKey);
    relay.calls[2]!.answer();
    expect(await handled).toBe(1);
    // The stopped worker's hanging call ends late: it records nothing.
    relay.calls.find((c) => c.message.idempotencyKey === second.idempotencyKey)!.answer({ relayMessageId: 'late' });
    expect(await stores.drafts.get(second.id)).toMatchObject({ status: 'sent', attempts: 1, relayMessageId: 'm-3' });
    expect((await actionsFor(stores, second.id)).filter((a) => a === 'delivery.sent')).toHaveLength(1);
  });

  it('gives up without calling the relay when every earlier attempt was interrupted', async () => {
    const relay = heldRelay();
    const notifier = recordingNotifier();
    const draft = await confirmedDraft(stores, new Date());
    // Two processes claimed it and died before reporting back.
    await stores.deliveries.claim(new Date(), LEASE, 10);
    await stores.deliveries.claim(new Date(Date.now() + LEASE + 1000), LEASE, 10);

    expect(await worker(relay, { maxAttempts: 2 }, { notifier, clock: clockAt(3 * LEASE) }).runOnce()).toBe(1);

    expect(relay.calls).toHaveLength(0);
    expect(await stores.drafts.get(draft.id)).toMatchObject({ status: 'failed', failureReason: 'Delivery was interrupted 2 times; gave up.' });
    expect(notifier.seen).toEqual([{ id: draft.id, status: 'failed' }]);
  });

  it('delivers even when the card cannot be updated, and the "sending" card never lands after the outcome', async () => {
    const relay = heldRelay();
    let releaseSendingCard!: () => void;
    const order: string[] = [];
    const notifier: Notifier = {
      async draftChanged(draft) {
        if (draft.status === 'sending') await new Promise<void>((resolve) => (releaseSendingCard = resolve));
        order.push(draft.status);
        if (draft.status === 'sent') throw new Error('chat_not_found');
      },
    };
    const draft = await confirmedDraft(stores, new Date());
    const handled = worker(relay, {}, { notifier }).runOnce();
    // The relay is called while the "sending" card update is still under way…
    await until(() => relay.calls.length === 1, 'the relay call');
    relay.calls[0]!.answer();
    await until(async () => (await stores.drafts.get(draft.id))?.status === 'sent', 'the draft sent');
    expect(order).toEqual([]);
    // …and the outcome's card update waits for it.
    releaseSendingCard();
    expect(await handled).toBe(1);
    expect(order).toEqual(['sending', 'sent']);
  });
});
