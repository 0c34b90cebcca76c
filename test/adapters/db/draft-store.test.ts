import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStores, type Stores } from '../../../src/adapters/db/stores.js';
import { testDatabaseTargets, type TestDatabase } from '../../fakes/database.js';
import { event, freshActor, MINUTE, newDraft } from './helpers.js';

describe.each(testDatabaseTargets())('DraftStore on $name', (target) => {
  let database: TestDatabase;
  let stores: Stores;
  const t0 = new Date('2031-05-01T10:00:00.000Z');
  const later = (ms: number) => new Date(t0.getTime() + ms);

  beforeAll(async () => {
    database = await target.open();
    stores = createStores(database);
  });
  afterAll(() => database?.drop());

  it('creates a pending draft with a stable idempotency key and reads it back', async () => {
    const ada = freshActor();
    const created = await stores.drafts.create(newDraft(ada, { subject: null }), t0, event('draft.created', ada, { text: 'x' }));
    expect(created).toMatchObject({ status: 'pending', channel: 'sms', to: '+15551234567', requester: ada, attempts: 0, cardRef: null, decidedBy: null });
    expect(created.idempotencyKey).toBe(`relaybot-${created.id}`);
    expect(created.expiresAt).toEqual(later(15 * MINUTE));
    expect(await stores.drafts.get(created.id)).toEqual(created);
    expect(await stores.drafts.get('not-a-draft-id')).toBeNull();

    // The audit entry was written with the draft, and names it.
    const [entry] = await stores.audit.list({ draftId: created.id });
    expect(entry).toMatchObject({ action: 'draft.created', actor: ada, draftId: created.id });
  });

  it('lets exactly one of two concurrent confirms win, and enqueues one delivery', async () => {
    const ada = freshActor();
    const draft = await stores.drafts.create(newDraft(ada), t0, event('draft.created', ada));
    const results = await Promise.all([
      stores.drafts.confirm(draft.id, draft.version, ada, later(1000), event('draft.confirmed', ada)),
      stores.drafts.confirm(draft.id, draft.version, ada, later(1000), event('draft.confirmed', ada)),
    ]);
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ status: 'confirmed', decidedBy: ada, decidedAt: later(1000) });
    const actions = (await stores.audit.list({ draftId: draft.id })).map((e) => e.action);
    expect(actions.filter((a) => a === 'draft.confirmed')).toHaveLength(1);

    // The confirmed draft is in the outbox, due at once, as attempt 1.
    const jobs = await stores.deliveries.claim(later(1000), 30_000, 100);
    expect(jobs.filter((j) => j.draft.id === draft.id)).toEqual([expect.objectContaining({ attempt: 1 })]);
    // And a cancel after the confirm is too late.
    expect(await stores.drafts.cancel(draft.id, draft.version, ada, later(2000), event('draft.cancelled', ada))).toBeNull();
  });

  it('refuses to confirm or cancel a draft once it has expired, even before the sweeper runs', async () => {
    const ada = freshActor();
    const draft = await stores.drafts.create(newDraft(ada, { ttlMs: MINUTE }), t0, event('draft.created', ada));
    expect(await stores.drafts.confirm(draft.id, draft.version, ada, later(MINUTE), event('draft.confirmed', ada))).toBeNull();
    expect(await stores.drafts.cancel(draft.id, draft.version, ada, later(MINUTE + 1), event('draft.cancelled', ada))).toBeNull();
    expect((await stores.drafts.get(draft.id))?.status).toBe('pending');
    expect((await stores.audit.list({ draftId: draft.id })).map((e) => e.action)).toEqual(['draft.created']);
  });

  it('edits only while pending, keeping the draft pending', async () => {
    const ada = freshActor();
    const draft = await stores.drafts.create(newDraft(ada), t0, event('draft.created', ada));
    const edited = await stores.drafts.edit(draft.id, draft.version, { text: 'Deploy done.', to: '+15557654321' }, later(1000), event('draft.edited', ada, { before: draft.text, after: 'Deploy done.' }));
    expect(edited).toMatchObject({ status: 'pending', text: 'Deploy done.', to: '+15557654321', channel: 'sms', idempotencyKey: draft.idempotencyKey });

    const cancelled = await stores.drafts.cancel(draft.id, edited!.version, ada, later(2000), event('draft.cancelled', ada));
    expect(cancelled).toMatchObject({ status: 'cancelled', decidedBy: ada });
    expect(await stores.drafts.edit(draft.id, edited!.version, { text: 'Too late' }, later(3000), event('draft.edited', ada))).toBeNull();
    expect((await stores.drafts.get(draft.id))?.text).toBe('Deploy done.');
    expect((await stores.audit.list({ draftId: draft.id })).map((e) => e.action)).toEqual(['draft.cancelled', 'draft.edited', 'draft.created']);
  });

  it('binds every decision to a version: an edit bumps it, and a confirm, cancel or edit of the old version matches nothing', async () => {
    const ada = freshActor();
    const draft = await stores.drafts.create(newDraft(ada), t0, event('draft.created', ada));
    expect(draft.version).toBe(1);
    const edited = await stores.drafts.edit(draft.id, 1, { text: 'Wire the money now', to: '+15550001111' }, later(1000), event('draft.edited', ada));
    expect(edited).toMatchObject({ version: 2, text: 'Wire the money now' });
    // Someone who saw version 1 decides nothing, and leaves no audit entry behind.
    expect(await stores.drafts.confirm(draft.id, 1, ada, later(2000), event('draft.confirmed', ada))).toBeNull();
    expect(await stores.drafts.cancel(draft.id, 1, ada, later(2000), event('draft.cancelled', ada))).toBeNull();
    expect(await stores.drafts.edit(draft.id, 1, { text: 'stale' }, later(2000), event('draft.edited', ada))).toBeNull();
    expect(await stores.drafts.get(draft.id)).toMatchObject({ status: 'pending', version: 2, text: 'Wire the money now' });
    expect((await stores.audit.list({ draftId: draft.id })).map((e) => e.action)).toEqual(['draft.edited', 'draft.created']);

    const confirmed = await stores.drafts.confirm(draft.id, 2, ada, later(3000), event('draft.confirmed', ada));
    expect(confirmed).toMatchObject({ status: 'confirmed', version: 2, text: 'Wire the money now', to: '+15550001111' });
  });

  it('expires pending drafts past their time, auditing each, and leaves the others', async () => {
    const ada = freshActor();
    const old = await stores.drafts.create(newDraft(ada, { ttlMs: MINUTE }), t0, event('draft.created', ada));
    const fresh = await stores.drafts.create(newDraft(ada, { ttlMs: 60 * MINUTE }), t0, event('draft.created', ada));
    const expired = await stores.drafts.expireDue(later(2 * MINUTE), 100);
    expect(expired.map((d) => d.id)).toContain(old.id);
    expect(expired.map((d) => d.id)).not.toContain(fresh.id);
    expect((await stores.drafts.get(old.id))?.status).toBe('expired');
    expect((await stores.drafts.get(fresh.id))?.status).toBe('pending');
    expect((await stores.audit.list({ draftId: old.id }))[0]).toMatchObject({ action: 'draft.expired', actor: null });
    expect(await stores.drafts.expireDue(later(2 * MINUTE), 100)).not.toContainEqual(expect.objectContaining({ id: old.id }));
  });

  it('remembers the card reference and lists a requester\'s drafts newest first', async () => {
    const ada = freshActor();
    const first = await stores.drafts.create(newDraft(ada), t0, event('draft.created', ada));
    const second = await stores.drafts.create(newDraft(ada), later(1000), event('draft.created', ada));
    await stores.drafts.create(newDraft(freshActor('Bob')), later(2000), event('draft.created'));
    await stores.drafts.setCardRef(first.id, '1714561234.000200');
    const listed = await stores.drafts.listByRequester(ada, 10);
    expect(listed.map((d) => d.id)).toEqual([second.id, first.id]);
    expect(listed[1]?.cardRef).toBe('1714561234.000200');
    expect(await stores.drafts.listByRequester(ada, 1)).toHaveLength(1);
  });

  it('lists the drafts still pending in one chat of one platform, whoever asked', async () => {
    const chat = { platform: 'telegram' as const, chatId: `-100${Date.now()}` };
    const [ada, bob] = [freshActor(), freshActor('Bob')];
    const a = await stores.drafts.create(newDraft(ada, { conversation: chat }), t0, event('draft.created', ada));
    const b = await stores.drafts.create(newDraft(bob, { conversation: chat, ttlMs: 2 * MINUTE }), t0, event('draft.created', bob));
    const decided = await stores.drafts.create(newDraft(ada, { conversation: chat }), t0, event('draft.created', ada));
    await stores.drafts.cancel(decided.id, 1, ada, t0, event('draft.cancelled', ada));
    await stores.drafts.create(newDraft(ada, { conversation: { platform: 'telegram', chatId: `${chat.chatId}1` } }), t0, event('draft.created', ada));
    await stores.drafts.create(newDraft(ada, { conversation: { platform: 'slack', chatId: chat.chatId } }), t0, event('draft.created', ada));

    expect((await stores.drafts.listPendingInChat('telegram', chat.chatId, later(MINUTE))).map((d) => d.id)).toEqual([b.id, a.id]);
    // Past its expiry a draft can no longer be decided, so it is not listed.
    expect((await stores.drafts.listPendingInChat('telegram', chat.chatId, later(3 * MINUTE))).map((d) => d.id)).toEqual([a.id]);
  });

  it('counts confirmed-or-later drafts in the hour, day and minute windows', async () => {
    const ada = freshActor();
    const to = `+1555${Math.floor(Math.random() * 1e7).toString().padStart(7, '0')}`;
    const base = new Date('2032-01-01T00:00:00.000Z');
    const at = (ms: number) => new Date(base.getTime() + ms);
    const confirmAt = async (when: Date, who = ada, recipient = to) => {
      const d = await stores.drafts.create(newDraft(who, { to: recipient, ttlMs: 60 * MINUTE }), when, event('draft.created', who));
      return stores.drafts.confirm(d.id, d.version, who, when, event('draft.confirmed', who));
    };
    await confirmAt(at(-23 * 60 * MINUTE)); // same recipient, 23 h ago
    await confirmAt(at(-30 * MINUTE)); // sender and recipient, 30 min ago
    await confirmAt(at(-30 * 1000)); // all three windows
    await confirmAt(at(-10 * 1000), freshActor('Bob'), '+15550000000'); // global only
    await confirmAt(at(-25 * 60 * MINUTE)); // outside every window
    const cancelled = await stores.drafts.create(newDraft(ada, { to }), at(-1000), event('draft.created', ada));
    await stores.drafts.cancel(cancelled.id, cancelled.version, ada, at(-1000), event('draft.cancelled', ada)); // not counted

    expect(await stores.drafts.rateCounts(ada, 'sms', to, base)).toEqual({
      senderLastHour: 2, recipientLastDay: 3, globalLastMinute: 2, senderPending: 0, senderPendingNextExpiry: null,
    });
    expect(await stores.drafts.rateCounts(ada, 'wa', to, base)).toMatchObject({ recipientLastDay: 0 });
  });

  it("counts the requester's drafts still pending at now, and when the next of them expires", async () => {
    const ada = freshActor();
    const base = new Date('2033-01-01T00:00:00.000Z');
    const at = (ms: number) => new Date(base.getTime() + ms);
    await stores.drafts.create(newDraft(ada, { ttlMs: 15 * MINUTE }), at(-10 * MINUTE), event('draft.created', ada)); // expires in 5 min
    await stores.drafts.create(newDraft(ada, { ttlMs: 15 * MINUTE }), at(-MINUTE), event('draft.created', ada)); // expires in 14 min
    await stores.drafts.create(newDraft(ada, { ttlMs: 15 * MINUTE }), at(-20 * MINUTE), event('draft.created', ada)); // expired, not yet swept
    const cancelled = await stores.drafts.create(newDraft(ada), at(-MINUTE), event('draft.created', ada));
    await stores.drafts.cancel(cancelled.id, cancelled.version, ada, at(-MINUTE), event('draft.cancelled', ada));
    await stores.drafts.create(newDraft(freshActor('Bob')), at(-MINUTE), event('draft.created', ada)); // someone else's

    const counts = await stores.drafts.rateCounts(ada, 'sms', '+15550001111', base);
    expect(counts.senderPending).toBe(2);
    expect(counts.senderPendingNextExpiry?.toISOString()).toBe(at(5 * MINUTE).toISOString());
  });
});
