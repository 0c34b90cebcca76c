/**
 * Scheduled sends end to end — words → draft with sendAt → Send → `scheduled`
 * → the outbox job comes due → one relay POST — on a real database, the fake
 * relay over HTTP and a clock the test moves (nothing sleeps to a real time).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/adapters/db/index.js';
import { createHttpRelay } from '../../src/adapters/relay/index.js';
import { buildCard } from '../../src/core/card.js';
import type { Draft } from '../../src/core/draft.js';
import type { Actor, ConversationRef } from '../../src/core/send-request.js';
import { testDatabaseTargets, type TestDatabase } from '../fakes/database.js';
import { createTestApp, type TestApp } from '../fakes/harness.js';
import { ManualClock } from '../fakes/memory-stores.js';
import { startFakeRelay, type FakeRelay } from '../fakes/relay-server.js';
import { databaseUrl } from '../reliability/replicas.js';

const alice: Actor = { platform: 'web', userId: 'alice' };
/** A chat of its own per test, so no half-finished request carries over. */
let chat: ConversationRef = { platform: 'web', chatId: 'sched-0' };
/** Friday 27 March 2026, 10:00 UTC (11:00 in Berlin, two days before summer time). */
const FRIDAY = new Date('2026-03-27T10:00:00Z');

/** A second handle on the same database, as another process (or the same one restarted) would open. */
async function sameDatabase(database: TestDatabase): Promise<Database> {
  if (database.kind === 'postgres') return openDatabase({ databaseUrl: databaseUrl(database), dataDir: 'memory://', auditKey: database.auditKey });
  return { kind: 'pglite', client: database.client, db: database.db, auditKey: database.auditKey, close: async () => {} };
}

describe.each(testDatabaseTargets())('scheduled sends on $name', (target) => {
  let relay: FakeRelay;
  let database: TestDatabase;
  let app: TestApp;
  let clock: ManualClock;
  const others: TestApp[] = [];

  const postsFor = (draft: Draft) => relay.requests.filter((r) => r.body?.idempotency_key === draft.idempotencyKey);
  const relayClient = () => createHttpRelay({ baseUrl: relay.url, apiKey: 'relay-key' });

  async function runtime(db: Database, policy?: Record<string, unknown>): Promise<TestApp> {
    return createTestApp({ database: db, relay: relayClient(), clock, ...(policy && { policy }) });
  }

  async function draftFrom(text: string, on = app): Promise<Draft> {
    const reply = await on.bot.handleMessage({ actor: alice, conversation: chat, text });
    if (!reply.draft) throw new Error(`no draft: ${reply.text}`);
    return reply.draft;
  }

  beforeAll(async () => {
    relay = await startFakeRelay({ apiKey: 'relay-key' });
    database = await target.open();
  });
  afterAll(async () => {
    await database?.drop();
    await relay?.close();
  });
  afterEach(async () => {
    // Each runtime closes its own handle (a PostgreSQL pool; PGlite's shared one is left open); the database is dropped once, after all.
    await Promise.all(others.splice(0).map((o) => o.close()));
    await app?.close();
  });

  async function start(policy?: Record<string, unknown>, at = FRIDAY): Promise<void> {
    clock = new ManualClock(at);
    chat = { platform: 'web', chatId: `sched-${Math.random().toString(36).slice(2)}` };
    app = await runtime(await sameDatabase(database), policy);
  }

  it('"in 1 minute": scheduled after Send, nothing reaches the relay before sendAt, exactly one POST after', async () => {
    await start();
    const draft = await draftFrom('text +15551234567 in 1 minute that hello');
    expect(draft.text).toBe('hello');
    expect(draft.sendAt?.toISOString()).toBe(new Date(FRIDAY.getTime() + 60_000).toISOString());
    expect(buildCard(draft, clock.now()).fields).toContainEqual({ label: 'Sends', value: 'Fri 10:01 UTC' });

    const confirmed = await app.bot.confirm(draft.id, alice, draft.version);
    expect(confirmed.status).toBe('scheduled');
    const card = buildCard(confirmed, clock.now());
    expect(card.headline).toBe('🕒 Scheduled — Sends Fri 10:01 UTC');
    expect(card.buttons.map((b) => b.label)).toEqual(['Cancel']);

    expect(await app.drain()).toBe(0);
    clock.advance(59_999);
    expect(await app.drain()).toBe(0);
    expect(postsFor(draft)).toHaveLength(0);
    expect((await app.bot.getDraft(draft.id))?.status).toBe('scheduled');

    clock.advance(1);
    expect(await app.drain()).toBe(1);
    clock.advance(60 * 60_000);
    await app.drain();
    expect(postsFor(draft)).toHaveLength(1);
    expect(postsFor(draft)[0]!.body).toMatchObject({ channel: 'sms', to: '+15551234567', text: 'hello' });
    const sent = await app.bot.getDraft(draft.id);
    expect(sent?.status).toBe('sent');
    expect(buildCard(sent!, clock.now()).headline).toMatch(/^✅ Sent to \+1 555 123 4567/);
  });

  it('a scheduled draft cancelled before sendAt is never sent, and its card says so', async () => {
    await start();
    const draft = await draftFrom('text +15551234567 in 5 minutes that the build is out');
    await app.bot.confirm(draft.id, alice, draft.version);
    clock.advance(4 * 60_000);
    const cancelled = await app.bot.cancel(draft.id, alice, draft.version);
    expect(cancelled.status).toBe('cancelled');
    expect(buildCard(cancelled, clock.now()).headline).toBe('Cancelled — nothing was sent');

    clock.advance(24 * 3_600_000);
    expect(await app.drain()).toBe(0);
    expect(postsFor(draft)).toHaveLength(0);
    const actions = (await app.stores.audit.list({ draftId: draft.id })).map((e) => e.action);
    expect(actions).toContain('draft.cancelled');
    expect(actions).not.toContain('delivery.claimed');
  });

  it('an address opted out after approval is not sent to, and the card says why', async () => {
    await start();
    const draft = await draftFrom('text +15551234567 in 10 minutes that quarterly numbers are in');
    await app.bot.confirm(draft.id, alice, draft.version);
    await app.stores.optOuts.add('+15551234567', { platform: 'cli', userId: 'ops' }, clock.now(), {
      actor: { platform: 'cli', userId: 'ops' }, action: 'optout.added', details: { address: '+15551234567' },
    });

    clock.advance(10 * 60_000);
    await app.drain();
    expect(postsFor(draft)).toHaveLength(0);
    const failed = await app.bot.getDraft(draft.id);
    expect(failed?.status).toBe('failed');
    expect(buildCard(failed!, clock.now()).headline).toBe('❌ Failed: +15551234567 has opted out of messages from relaybot, so relaybot will not message it.');
    const refused = (await app.stores.audit.list({ draftId: draft.id })).find((e) => e.action === 'delivery.refused');
    expect(refused?.details).toMatchObject({ code: 'denied:opt_out', atSendTime: true });

    // And a new draft to it is refused at drafting.
    const again = await app.bot.handleMessage({ actor: alice, conversation: chat, text: 'text +15551234567 that hi' });
    expect(again.draft).toBeNull();
    expect(again.refused).toBe('denied:opt_out');
    await app.stores.optOuts.remove('+15551234567', clock.now(), { actor: null, action: 'optout.removed', details: { address: '+15551234567' } });
  });

  it('survives a restart between approval and send: the new process sends it at its time, once', async () => {
    await start();
    const draft = await draftFrom('text +15551234567 in 30 minutes that standup moved');
    await app.bot.confirm(draft.id, alice, draft.version);
    // The process stops; a new one (new stores, new worker, same database) takes over.
    await app.worker.stop(0);
    const restarted = await runtime(await sameDatabase(database));
    others.push(restarted);
    clock.advance(29 * 60_000);
    expect(await restarted.drain()).toBe(0);
    clock.advance(60_000);
    expect(await restarted.drain()).toBe(1);
    expect(postsFor(draft)).toHaveLength(1);
    expect((await restarted.bot.getDraft(draft.id))?.status).toBe('sent');
  });

  it('two replicas at the due time: sent once', async () => {
    await start();
    const b = await runtime(await sameDatabase(database));
    others.push(b);
    const drafts: Draft[] = [];
    for (let i = 0; i < 6; i++) {
      const d = await draftFrom(`text +1555123456${i} in 2 minutes that batch ${i}`);
      await app.bot.confirm(d.id, alice, d.version);
      drafts.push(d);
    }
    clock.advance(2 * 60_000);
    await Promise.all([app.drain(), b.drain(), app.drain(), b.drain()]);
    for (const d of drafts) {
      expect(postsFor(d)).toHaveLength(1);
      expect((await app.bot.getDraft(d.id))?.status).toBe('sent');
    }
  });

  it('cancel racing the claim: exactly one wins — cancelled and never sent, or sent and the cancel refused', async () => {
    await start();
    for (let round = 0; round < 5; round++) {
      const draft = await draftFrom(`text +15551234567 in 1 minute that race ${round}`);
      await app.bot.confirm(draft.id, alice, draft.version);
      clock.advance(60_000);
      const [cancel] = await Promise.allSettled([app.bot.cancel(draft.id, alice, draft.version), app.worker.runOnce()]);
      await app.drain();
      const final = await app.bot.getDraft(draft.id);
      if (cancel.status === 'fulfilled') {
        expect(final?.status).toBe('cancelled');
        expect(postsFor(draft)).toHaveLength(0);
      } else {
        expect(String(cancel.reason)).toMatch(/Too late to cancel/);
        expect(final?.status).toBe('sent');
        expect(postsFor(draft)).toHaveLength(1);
      }
    }
  });

  it('policy changed between approval and send: the send fails with the reason, never sent', async () => {
    await start();
    const draft = await draftFrom('text +15551234567 in 1 hour that invoices are out');
    await app.bot.confirm(draft.id, alice, draft.version);
    await app.worker.stop(0);
    // Restarted with a stricter policy file.
    const strict = await runtime(await sameDatabase(database), { recipients: ['+4930*'] });
    others.push(strict);
    clock.advance(3_600_000);
    await strict.drain();
    expect(postsFor(draft)).toHaveLength(0);
    const failed = await strict.bot.getDraft(draft.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.failureReason).toBe('+15551234567 is not on the recipient allowlist, so relaybot will not message it.');
  });

  it('rate limits are counted again at send time', async () => {
    await start({ rateLimits: { perRecipientPerDay: 1 } });
    const later = await draftFrom('text +15557654321 in 2 hours that second');
    await app.bot.confirm(later.id, alice, later.version);
    const now = await draftFrom('text +15557654321 that first');
    await app.bot.confirm(now.id, alice, now.version);
    await app.drain();
    expect(postsFor(now)).toHaveLength(1);
    clock.advance(2 * 3_600_000);
    await app.drain();
    expect(postsFor(later)).toHaveLength(0);
    expect((await app.bot.getDraft(later.id))?.failureReason).toMatch(/This recipient has had 1 messages today/);
  });

  it('quiet hours, hold: a send asked for at night waits for the morning, and the card says so', async () => {
    const quietHours = { start: '21:00', end: '08:00', timezone: 'Europe/Berlin', action: 'hold' };
    // 22:30 in Berlin.
    await start({ quietHours, timezone: 'Europe/Berlin' }, new Date('2026-03-27T21:30:00Z'));
    const draft = await draftFrom('text +15551234567 that the release is out');
    expect(draft.sendAt?.toISOString()).toBe('2026-03-28T07:00:00.000Z');
    expect(draft.heldForQuietHours).toBe(true);
    expect(buildCard(draft, clock.now()).fields).toContainEqual({ label: 'Sends', value: 'Sat 08:00 Europe/Berlin (held until quiet hours end)' });
    const confirmed = await app.bot.confirm(draft.id, alice, draft.version);
    expect(confirmed.status).toBe('scheduled');
    clock.advance(9 * 3_600_000);
    await app.drain();
    expect(postsFor(draft)).toHaveLength(0);
    clock.advance(30 * 60_000);
    await app.drain();
    expect(postsFor(draft)).toHaveLength(1);
  });

  it('quiet hours, refuse: refused at drafting with the sentence', async () => {
    const quietHours = { start: '21:00', end: '08:00', timezone: 'Europe/Berlin', action: 'refuse' };
    await start({ quietHours, timezone: 'Europe/Berlin' });
    const reply = await app.bot.handleMessage({ actor: alice, conversation: chat, text: 'text +15551234567 at 11pm that hello' });
    expect(reply.draft).toBeNull();
    expect(reply.refused).toBe('denied:quiet_hours');
    expect(reply.text).toBe('Sending at Fri 23:00 Europe/Berlin falls in quiet hours (21:00–08:00 Europe/Berlin), when relaybot sends nothing. Ask again for a time after 08:00; nothing was drafted.');
  });

  it('across the spring DST change: "on Sunday at 9:00" in Berlin is 07:00 UTC, and it goes out then', async () => {
    await start({ timezone: 'Europe/Berlin' });
    const draft = await draftFrom('text +15551234567 on Sunday at 9:00 that brunch is on');
    expect(draft.sendAt?.toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(buildCard(draft, clock.now()).fields).toContainEqual({ label: 'Sends', value: 'Sun 09:00 Europe/Berlin' });
    await app.bot.confirm(draft.id, alice, draft.version);
    clock.advance(Date.parse('2026-03-29T06:59:59Z') - clock.now().getTime());
    await app.drain();
    expect(postsFor(draft)).toHaveLength(0);
    clock.advance(1000);
    await app.drain();
    expect(postsFor(draft)).toHaveLength(1);
  });

  it('the time is part of what is approved: changing it is an edit, a new version, audited before and after', async () => {
    await start({ timezone: 'Europe/Berlin' });
    const draft = await draftFrom('text +15551234567 at 5pm that hello');
    const newTime = app.bot.readSendAt('tomorrow 9:00', draft);
    expect(newTime?.toISOString()).toBe('2026-03-28T08:00:00.000Z');
    const edited = await app.bot.edit(draft.id, alice, { sendAt: newTime }, draft.version);
    expect(edited.version).toBe(2);
    expect(buildCard(edited, clock.now()).fields).toContainEqual({ label: 'Sends', value: 'Sat 09:00 Europe/Berlin' });
    // Approving what was seen before the change is refused.
    await expect(app.bot.confirm(draft.id, alice, 1)).rejects.toMatchObject({ code: 'conflict:version' });
    const entry = (await app.stores.audit.list({ draftId: draft.id })).find((e) => e.action === 'draft.edited');
    expect(entry?.details).toMatchObject({ sendAt: { from: '2026-03-27T16:00:00.000Z', to: '2026-03-28T08:00:00.000Z' } });
    expect(() => app.bot.readSendAt('at 5', draft)).toThrow(/could be morning or evening/);
    expect(app.bot.readSendAt('now', draft)).toBeNull();
    await expect(app.bot.edit(draft.id, alice, { sendAt: new Date(FRIDAY.getTime() - 1000) }, 2)).rejects.toMatchObject({ code: 'invalid:send_at' });
  });

  it('a time already past, too far ahead or unclear is a question, never a draft', async () => {
    await start({ timezone: 'Europe/Berlin' });
    const ask = async (text: string) => (await app.bot.handleMessage({ actor: alice, conversation: chat, text }));
    const past = await ask('text +15551234567 at 9am that hello');
    expect(past.draft).toBeNull();
    expect(past.text).toMatch(/has already passed/);
    const far = await ask('text +15551234567 on 30 June at 9:00 that hello');
    expect(far.draft).toBeNull();
    expect(far.text).toMatch(/more than 30 days ahead/);
    const unclear = await ask('text +15551234567 at 5 that hello');
    expect(unclear.draft).toBeNull();
    expect(unclear.text).toMatch(/could be morning or evening/);
    // The answer to the question completes the waiting request.
    const answered = await ask('at 5pm');
    expect(answered.draft?.text).toBe('hello');
    expect(answered.draft?.sendAt?.toISOString()).toBe('2026-03-27T16:00:00.000Z');
  });
});
