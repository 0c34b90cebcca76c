/**
 * The audit log against someone who holds the database but not AUDIT_KEY:
 * the table owner, who can switch the append-only trigger off. Every tamper
 * class is detected by `verify` and/or `verify` with a saved checkpoint.
 * Tests share one database and run in order; each puts the chain back.
 */
import { randomUUID } from 'node:crypto';
import { asc, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusMetrics, type PrometheusMetrics } from '../../../src/adapters/metrics/prometheus.js';
import { GENESIS_HASH, keyedEntryHash, legacyEntryHash } from '../../../src/adapters/db/audit-hash.js';
import { AuditKey } from '../../../src/adapters/db/audit-key.js';
import { appendAudit } from '../../../src/adapters/db/audit-log.js';
import { toAuditEntry } from '../../../src/adapters/db/audit-rows.js';
import { auditEvents, type AuditEventRow } from '../../../src/adapters/db/schema.js';
import { createStores, type Stores } from '../../../src/adapters/db/stores.js';
import type { AuditCheckpoint, Logger } from '../../../src/core/ports.js';
import { testDatabaseTargets, type TestDatabase } from '../../fakes/database.js';
import { event, freshActor, MINUTE, newDraft } from './helpers.js';

type Logged = { obj: object; msg: string | undefined };
const recordingLogger = (errors: Logged[]): Logger => ({ info: () => {}, warn: () => {}, error: (obj, msg) => errors.push({ obj, msg }) });

describe.each(testDatabaseTargets())('audit log against the database owner on $name', (target) => {
  let database: TestDatabase;
  let stores: Stores;
  let metrics: PrometheusMetrics;
  const errors: Logged[] = [];

  beforeAll(async () => {
    database = await target.open();
    metrics = createPrometheusMetrics({ processMetrics: false });
    stores = createStores(database, recordingLogger(errors), metrics);
  });
  afterAll(() => database?.drop());

  const appendMany = async (n: number) => {
    for (let i = 0; i < n; i++) await stores.audit.append(event('test.event', null, { i }));
    await stores.auditSealer.flush();
  };
  const chain = () => database.db.select().from(auditEvents).orderBy(asc(auditEvents.seq));
  const saved = (checkpoint: AuditCheckpoint, line = 1) => [{ line, checkpoint }];

  /** What the table owner can do: switch the append-only trigger off, change rows, switch it back on. */
  async function asOwner(...statements: Array<ReturnType<typeof sql>>): Promise<void> {
    await database.db.execute(sql`alter table audit_events disable trigger user`);
    try {
      for (const statement of statements) await database.db.execute(statement);
    } finally {
      await database.db.execute(sql`alter table audit_events enable trigger user`);
    }
  }

  /** Replace the chain from `fromSeq` on with `rows`. */
  async function replaceFrom(fromSeq: number, rows: AuditEventRow[]): Promise<void> {
    await asOwner(sql`delete from audit_events where seq >= ${fromSeq}`);
    if (rows.length > 0) await database.db.insert(auditEvents).values(rows);
  }

  /** Put back a chain saved with `chain()`. */
  const restore = (rows: AuditEventRow[]) => replaceFrom(1, rows);

  /** Renumber `rows` from `fromSeq` and relink each to the one before with `link` (what a forger recomputes). */
  function relink(rows: AuditEventRow[], fromSeq: number, prevHash: string, link: (prev: string, row: AuditEventRow) => Pick<AuditEventRow, 'mac' | 'hash'>): AuditEventRow[] {
    return rows.map((row, i) => {
      const renumbered = { ...row, seq: fromSeq + i, prevHash };
      const linked = { ...renumbered, ...link(prevHash, renumbered) };
      prevHash = linked.hash;
      return linked;
    });
  }
  const unkeyed = (prev: string, row: AuditEventRow) => ({ mac: null, hash: legacyEntryHash(prev, toAuditEntry(row)) });

  it('verifies entries from before the log was keyed as a legacy prefix, counted apart; an unkeyed entry after keyed ones breaks the chain', async () => {
    // A database migrated from before AUDIT_KEY: entries with no mac, chained with the unkeyed hash.
    const legacy = [1, 2, 3].map((seq) => ({ seq, at: new Date(Date.UTC(2030, 0, seq)), actorPlatform: null, actorUserId: null, actorName: null, action: 'draft.created', draftId: null, details: { seq }, mac: null, prevHash: '', hash: '' }));
    await replaceFrom(1, relink(legacy, 1, GENESIS_HASH, unkeyed));
    await appendMany(2);
    const [head] = (await chain()).slice(-1);
    expect(await stores.audit.verify()).toEqual({ ok: true, count: 5, legacy: 3, head: { seq: 5, hash: head!.hash } });

    const before = await chain();
    const late = relink([{ ...legacy[0]!, details: { late: true } }], 6, head!.hash, unkeyed);
    await database.db.insert(auditEvents).values(late);
    expect(await stores.audit.verify()).toEqual({ ok: false, count: 5, brokenSeq: 6, reason: expect.stringMatching(/^unkeyed entry: entry 6 has no mac but follows keyed entries/) });
    await restore(before);
    expect(await stores.audit.verify()).toMatchObject({ ok: true, count: 5, legacy: 3 });
  });

  it('signs the events of every write path, so each one is chained', async () => {
    const ada = freshActor();
    const now = new Date();
    const sent = await stores.drafts.create(newDraft(ada), now, { actor: ada, action: 'draft.created' });
    await stores.drafts.edit(sent.id, 1, { text: 'Edited.' }, now, { actor: ada, action: 'draft.edited' });
    await stores.drafts.confirm(sent.id, 2, ada, now, { actor: ada, action: 'draft.confirmed' });
    const [job] = await stores.deliveries.claim(now, MINUTE, 10);
    expect(job?.draft.id).toBe(sent.id);
    await stores.deliveries.retryAt(sent.id, now, 'relay busy', { actor: null, action: 'delivery.retry' });
    const [again] = await stores.deliveries.claim(now, MINUTE, 10);
    await stores.deliveries.release(again!.draft.id);
    await stores.deliveries.claim(now, MINUTE, 10);
    await stores.deliveries.succeed(sent.id, { dryRun: true, relayMessageId: null }, now, { actor: null, action: 'delivery.sent' });
    const cancelled = await stores.drafts.create(newDraft(ada), now, { actor: ada, action: 'draft.created' });
    await stores.drafts.cancel(cancelled.id, cancelled.version, ada, now, { actor: ada, action: 'draft.cancelled' });
    const expired = await stores.drafts.create(newDraft(ada, { ttlMs: 1 }), now, { actor: ada, action: 'draft.created' });
    await stores.drafts.expireDue(new Date(now.getTime() + 1000), 100);

    const actions = async (id: string) => (await stores.audit.list({ draftId: id })).map((e) => e.action).reverse();
    expect(await actions(sent.id)).toEqual([
      'draft.created', 'draft.edited', 'draft.confirmed', 'delivery.claimed', 'delivery.retry', 'delivery.claimed', 'delivery.released', 'delivery.claimed', 'delivery.sent',
    ]);
    expect(await actions(cancelled.id)).toEqual(['draft.created', 'draft.cancelled']);
    expect(await actions(expired.id)).toEqual(['draft.created', 'draft.expired']);
    const [{ n }] = (await database.db.execute(sql`select count(*)::int as n from audit_pending`)).rows as [{ n: number }];
    expect(n).toBe(0);
    expect(errors).toEqual([]);
    expect((await chain()).slice(-3).every((row) => /^[0-9a-f]{64}$/.test(row.mac ?? ''))).toBe(true);
    expect(await stores.audit.verify()).toMatchObject({ ok: true });
  });

  it('catches a deleted tail with a checkpoint (the shorter chain alone still verifies)', async () => {
    await appendMany(8);
    const checkpoint = await stores.audit.checkpoint();
    const before = await chain();
    await asOwner(sql`delete from audit_events where seq > ${checkpoint.seq - 5}`);

    expect(await stores.audit.verify()).toMatchObject({ ok: true, count: checkpoint.seq - 5 });
    expect(await stores.audit.verify(saved(checkpoint))).toEqual({
      ok: false, count: checkpoint.seq - 5, brokenSeq: checkpoint.seq, checkpointLine: 1,
      reason: `checkpoint on line 1 (entry ${checkpoint.seq}, hash ${checkpoint.hash}, taken ${checkpoint.at}) is not in the chain: the chain ends at entry ${checkpoint.seq - 5} — the entries after it were deleted`,
    });
    await restore(before);
    expect(await stores.audit.verify(saved(checkpoint))).toMatchObject({ ok: true, head: { seq: checkpoint.seq, hash: checkpoint.hash } });
  });

  it('catches a deleted log with a checkpoint (an empty chain alone "verifies")', async () => {
    const checkpoint = await stores.audit.checkpoint();
    const before = await chain();
    await asOwner(sql`delete from audit_events`);

    expect(await stores.audit.verify()).toEqual({ ok: true, count: 0, legacy: 0, head: { seq: 0, hash: GENESIS_HASH } });
    expect(await stores.audit.verify(saved(checkpoint, 4))).toMatchObject({
      ok: false, checkpointLine: 4, brokenSeq: checkpoint.seq, reason: expect.stringMatching(/^checkpoint on line 4 .* is not in the chain: the chain is empty — every entry was deleted$/),
    });
    await restore(before);
    expect((await stores.audit.verify(saved(checkpoint))).ok).toBe(true);
  });

  it('fails verify when history is edited and the chain recomputed without the key', async () => {
    await appendMany(6);
    const checkpoint = await stores.audit.checkpoint();
    const before = await chain();
    const victim = before.at(-4)!;
    const edited = [{ ...victim, details: { i: 'forged' } }, ...before.slice(-2)]; // the entry after the victim is dropped

    // Renumbered and relinked with the project's own (unkeyed) hash function:
    await replaceFrom(victim.seq, relink(edited, victim.seq, victim.prevHash, unkeyed));
    expect(await stores.audit.verify()).toMatchObject({ ok: false, count: victim.seq - 1, brokenSeq: victim.seq, reason: expect.stringMatching(/^unkeyed entry/) });

    // …or with a key of the forger's own, keeping the writers' macs:
    const guess = AuditKey.random();
    await replaceFrom(victim.seq, relink(edited, victim.seq, victim.prevHash, (prev, row) => ({ mac: row.mac, hash: keyedEntryHash(guess, prev, { ...toAuditEntry(row), mac: row.mac! }) })));
    expect(await stores.audit.verify()).toMatchObject({ ok: false, brokenSeq: victim.seq, reason: expect.stringMatching(/^hash mismatch: entry \d+ was changed after it was written/) });

    // …or the whole chain rewritten from entry 1 as "legacy": it hangs together, and only a checkpoint tells.
    const rewritten = before.map((row) => (row.seq === 2 ? { ...row, details: { i: 'forged' } } : row));
    await replaceFrom(1, relink(rewritten, 1, GENESIS_HASH, unkeyed));
    expect(await stores.audit.verify()).toMatchObject({ ok: true, count: before.length, legacy: before.length });
    expect(await stores.audit.verify(saved(checkpoint, 3))).toMatchObject({
      ok: false, checkpointLine: 3, brokenSeq: checkpoint.seq,
      reason: expect.stringMatching(new RegExp(`is not in the chain: entry ${checkpoint.seq} now has a different hash — the history up to it was rewritten$`)),
    });
    await restore(before);
    expect((await stores.audit.verify(saved(checkpoint))).ok).toBe(true);
  });

  it('refuses a checkpoint it did not sign, naming its line', async () => {
    const checkpoint = await stores.audit.checkpoint();
    const altered = { ...checkpoint, seq: checkpoint.seq - 1 };
    const foreign = { ...checkpoint, mac: AuditKey.random().hmac('x') };
    for (const [line, bad] of [[2, altered], [7, foreign]] as const) {
      expect(await stores.audit.verify([{ line: 1, checkpoint }, { line, checkpoint: bad }])).toMatchObject({
        ok: false, checkpointLine: line, reason: `checkpoint on line ${line} does not verify: it was not signed with this AUDIT_KEY, or it was altered`,
      });
    }
  });

  it('refuses forged pending events: not chained, left pending, reported once per row; the events after them are still sealed', async () => {
    const draftId = randomUUID();
    // Inserted by SQL with no mac, with a made-up one, and MACed with some other key.
    await database.db.execute(sql`insert into audit_pending (at, action, draft_id, details) values (now(), 'draft.confirmed', ${draftId}, '{"by":"boss"}'::jsonb)`);
    await database.db.execute(sql`insert into audit_pending (at, action, draft_id, details, mac) values (now(), 'draft.confirmed', ${draftId}, '{}'::jsonb, ${'ab'.repeat(32)})`);
    await appendAudit(database.db, AuditKey.random(), { actor: null, action: 'draft.confirmed', draftId });
    await stores.audit.append(event('test.after_forgery'));

    expect((await stores.audit.list({ limit: 1 }))[0]?.action).toBe('test.after_forgery');
    expect(await stores.audit.list({ draftId })).toEqual([]);
    const pending = async () => ((await database.db.execute(sql`select count(*)::int as n from audit_pending where draft_id = ${draftId}`)).rows as [{ n: number }])[0].n;
    expect(await pending()).toBe(3);
    expect(errors).toHaveLength(3);
    for (const logged of errors) {
      expect(logged).toEqual({ obj: { pendingId: expect.any(Number) }, msg: expect.stringMatching(/^audit: refused a pending audit event whose MAC does not verify/) });
    }
    expect(JSON.stringify(errors)).not.toMatch(new RegExp(`${draftId}|boss|draft\\.confirmed`));
    expect(await metrics.registry.getSingleMetricAsString('relaybot_audit_events_refused_total')).toMatch(/relaybot_audit_events_refused_total 3$/m);

    // Sealing again passes them over without reporting them again, and still chains what comes after.
    await stores.audit.append(event('test.after_forgery_again'));
    expect((await stores.audit.list({ limit: 1 }))[0]?.action).toBe('test.after_forgery_again');
    expect(errors).toHaveLength(3);
    expect(await pending()).toBe(3);
    expect(await stores.audit.verify()).toMatchObject({ ok: true });
  });
});
