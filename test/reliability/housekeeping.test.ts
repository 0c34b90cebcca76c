/**
 * Background work that every replica runs: the expiry sweeper (pending drafts
 * past their TTL become expired, once, audited, card updated) and the hourly
 * purge of old inbound event ids and conversation state, and of final drafts
 * past the retention period.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Maintenance } from '../../src/app/maintenance.js';
import type { Clock } from '../../src/core/ports.js';
import { testDatabaseTargets } from '../fakes/database.js';
import { silentLogger } from '../fakes/harness.js';
import { startReplicas, type Replicas } from './replicas.js';
import { confirmedDraft, freshPerson, pendingDraft, recordingNotifier, webConversation } from './support.js';

const MINUTE = 60_000;

describe.each(testDatabaseTargets())('housekeeping on $name', (target) => {
  let replicas: Replicas;
  let offsetMs = 0;
  /** Both replicas read this clock; tests move it forward. */
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
  const cardsA = recordingNotifier();
  const cardsB = recordingNotifier();

  beforeAll(async () => {
    replicas = await startReplicas(target, { clock, policy: { draftTtlMinutes: 15 } });
    replicas.a.notifier.register('web', cardsA);
    replicas.b.notifier.register('web', cardsB);
  });
  afterAll(() => replicas?.close());

  it('expires every pending draft past its TTL exactly once when two replicas sweep at once, audits it and updates its card', async () => {
    const alice = freshPerson();
    const reply = await replicas.a.bot.handleMessage({ actor: alice, conversation: webConversation, text: 'text +15551234567 Standup moved to 10:30.' });
    expect(reply.draft).not.toBeNull();
    // A backlog larger than one sweep round (100), e.g. after every replica was down for a while.
    const backlog = [];
    for (let i = 0; i < 110; i++) backlog.push(await pendingDraft(replicas.a.stores, clock.now()));
    const fresh = await pendingDraft(replicas.a.stores, new Date(clock.now().getTime() + 10 * MINUTE));

    offsetMs += 16 * MINUTE;
    const [a, b] = await Promise.all([replicas.a.sweeper.sweep(), replicas.b.sweeper.sweep()]);
    // SKIP LOCKED leaves a row another transaction holds at that instant to a later sweep (every
    // replica sweeps every 15 s); on a loaded machine that can be one of these, so one more sweep
    // stands in for the next tick. Exactly once is what is checked: each draft counted, audited and redrawn once.
    const later = await replicas.a.sweeper.sweep();

    expect(a + b + later).toBe(111);
    const expiredIds = [reply.draft!.id, ...backlog.map((d) => d.id)];
    const drafts = await Promise.all(expiredIds.map((id) => replicas.b.bot.getDraft(id)));
    expect(drafts.every((d) => d?.status === 'expired')).toBe(true);
    expect((await replicas.a.bot.getDraft(fresh.id))!.status).toBe('pending');

    const audit = await replicas.a.stores.audit.list({ draftId: reply.draft!.id });
    expect(audit.filter((e) => e.action === 'draft.expired')).toHaveLength(1);
    const cards = [...cardsA.seen, ...cardsB.seen].filter((s) => s.status === 'expired');
    expect(cards).toHaveLength(111);
    expect(new Set(cards.map((c) => c.id)).size).toBe(111);

    // The person who clicks Send on the old card is told, and nothing is sent.
    await expect(replicas.b.bot.confirm(reply.draft!.id, alice)).rejects.toMatchObject({
      code: 'expired:draft',
      message: 'This draft has expired; nothing was sent. Ask again to make a new one.',
    });
    expect(await replicas.a.sweeper.sweep()).toBe(0);
  });

  it('forgets inbound event ids older than a day, and still deduplicates recent ones', async () => {
    const { dedupe } = replicas.a.stores;
    const now = clock.now();
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 60 * MINUTE);
    expect(await dedupe.firstSeen('slack', 'Ev-old', hoursAgo(30))).toBe(true);
    expect(await dedupe.firstSeen('telegram', 'upd-recent', hoursAgo(2))).toBe(true);

    const maintenance = new Maintenance({ dedupe, conversations: replicas.a.stores.conversations, drafts: replicas.a.stores.drafts, clock, logger: silentLogger });
    expect(await maintenance.runOnce()).toBe(1);

    // A platform retry of the recent event is still recognised; the old id has been forgotten.
    expect(await dedupe.firstSeen('telegram', 'upd-recent', now)).toBe(false);
    expect(await dedupe.firstSeen('slack', 'Ev-old', now)).toBe(true);
    expect(await maintenance.runOnce()).toBe(0);
  });

  it('forgets conversations untouched for a week (questions, Telegram edit prompts), keeps recent ones, and logs both counts', async () => {
    const { dedupe, conversations } = replicas.a.stores;
    const now = clock.now();
    const daysAgo = (d: number) => new Date(now.getTime() - d * 24 * 60 * MINUTE);
    const state = (updatedAt: Date) => ({ pending: null, history: [{ role: 'assistant' as const, text: 'What should it say?' }], updatedAt });
    await conversations.put('web:housekeeping:abandoned', state(daysAgo(8)));
    await conversations.put('telegram-edit:-100777:12', state(daysAgo(30)));
    await conversations.put('web:housekeeping:recent', state(daysAgo(6)));
    expect(await dedupe.firstSeen('slack', 'Ev-housekeeping-old', daysAgo(2))).toBe(true);

    const logged: { obj: object; msg?: string }[] = [];
    const logger = { ...silentLogger, info: (obj: object, msg?: string) => void logged.push({ obj, msg }) };
    const maintenance = new Maintenance({ dedupe, conversations, drafts: replicas.a.stores.drafts, clock, logger });
    expect(await maintenance.runOnce()).toBe(3);

    expect(await conversations.get('web:housekeeping:abandoned')).toBeNull();
    expect(await conversations.get('telegram-edit:-100777:12')).toBeNull();
    expect(await conversations.get('web:housekeeping:recent')).toMatchObject({ updatedAt: daysAgo(6) });
    expect(logged).toEqual([{ obj: expect.objectContaining({ inboundEvents: 1, conversations: 2 }), msg: 'forgot old inbound event ids and conversations' }]);
    expect(await maintenance.runOnce()).toBe(0);
  });

  it('purges only drafts in a final state past the retention period, in batches, and keeps their audit events', async () => {
    const { stores } = replicas.a;
    const now = clock.now();
    const daysAgo = (d: number) => new Date(now.getTime() - d * 24 * 60 * MINUTE);
    const old = daysAgo(91);
    const cancelled = [];
    for (let i = 0; i < 3; i++) {
      const draft = await pendingDraft(stores, old);
      cancelled.push(await stores.drafts.cancel(draft.id, draft.version, draft.requester, old, { actor: draft.requester, action: 'draft.cancelled' }));
    }
    const expired = await pendingDraft(stores, old);
    expect(await stores.drafts.expireDue(new Date(old.getTime() + 20 * MINUTE), 10)).toEqual([expect.objectContaining({ id: expired.id })]);
    const sent = await confirmedDraft(stores, old);
    await stores.deliveries.claim(old, 30_000, 10);
    await stores.deliveries.succeed(sent.id, { dryRun: false, relayMessageId: 'old-1' }, old, { actor: null, action: 'draft.sent' });
    // Not final, however old: still pending (never swept), or confirmed and waiting for the relay.
    const stillPending = await pendingDraft(stores, old);
    const stillQueued = await confirmedDraft(stores, old);
    // Final, but inside the retention period.
    const recent = await pendingDraft(stores, daysAgo(89));
    await stores.drafts.cancel(recent.id, recent.version, recent.requester, daysAgo(89), { actor: recent.requester, action: 'draft.cancelled' });

    const logged: { obj: object; msg?: string }[] = [];
    const logger = { ...silentLogger, info: (obj: object, msg?: string) => void logged.push({ obj, msg }) };
    const maintenance = new Maintenance(
      { dedupe: stores.dedupe, conversations: stores.conversations, drafts: stores.drafts, clock, logger },
      { draftRetentionMs: 90 * 24 * 60 * MINUTE, batchSize: 2 },
    );
    expect(await maintenance.runOnce()).toBe(5);

    const purged = [...cancelled.map((d) => d!.id), expired.id, sent.id];
    expect(await Promise.all(purged.map((id) => stores.drafts.get(id)))).toEqual([null, null, null, null, null]);
    for (const kept of [stillPending, stillQueued, recent]) expect(await stores.drafts.get(kept.id)).not.toBeNull();
    expect(logged).toContainEqual({ obj: expect.objectContaining({ drafts: 5 }), msg: 'purged final drafts past the retention period' });
    // The audit log is never purged: the sent draft's whole history is still there, by its id.
    const history = (await stores.audit.list({ draftId: sent.id })).map((e) => e.action);
    expect(history).toEqual(['draft.sent', 'delivery.claimed', 'draft.confirmed', 'draft.created']);
    expect(await maintenance.runOnce()).toBe(0);

    // The runtime's own housekeeping takes the period from the policy (retentionDays, 90 by default).
    const another = await pendingDraft(stores, old);
    await stores.drafts.cancel(another.id, another.version, another.requester, old, { actor: another.requester, action: 'draft.cancelled' });
    expect(replicas.a.config.policy.retentionDays).toBe(90);
    expect(await replicas.a.maintenance.runOnce()).toBe(1);
    expect(await stores.drafts.get(another.id)).toBeNull();
    expect(await stores.drafts.get(recent.id)).not.toBeNull();
  });
});
