/**
 * DraftStore over Drizzle. Each mutation and its audit entry share one
 * transaction. Decisions are single conditional UPDATEs (`… AND status =
 * 'pending' AND expires_at > now`), so of two concurrent clicks — on one
 * process or many — exactly one matches a row; the other gets null.
 * The audit entry is written only when the change happened; a caller that
 * gets null audits the refusal itself (AuditLog.append).
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Draft, DraftPatch } from '../../core/draft.js';
import type { RateCounts } from '../../core/policy.js';
import type { AuditEventInput, DraftStore, NewDraft } from '../../core/ports.js';
import type { Actor, Channel } from '../../core/send-request.js';
import { appendAudit } from './audit-log.js';
import type { AppDb, AppTx } from './client.js';
import { decidedByColumns, toDraft } from './draft-rows.js';
import { deliveries, drafts, type DraftRow } from './schema.js';

/** Statuses that count against rate limits: the message was (or is being) sent. */
const COUNTED_STATUSES = ['confirmed', 'sending', 'sent'];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Advisory lock that serialises rate-limited confirms across processes (the audit chain uses …002). */
const RATE_LOCK_KEY = 7_265_108_003;

/** The audit event, about this draft unless the caller named another. */
export const aboutDraft = (audit: AuditEventInput, draftId: string): AuditEventInput => ({ ...audit, draftId: audit.draftId ?? draftId });

/** Conditions under which a draft may still be decided at `now`. */
const decidable = (id: string, now: Date) => and(eq(drafts.id, id), eq(drafts.status, 'pending'), gt(drafts.expiresAt, now));

export function createDraftStore(db: AppDb): DraftStore {
  /** Run one conditional UPDATE; when it matched, run `also` and audit, all in one transaction. */
  async function decide(
    update: (tx: AppTx) => Promise<DraftRow[]>,
    audit: AuditEventInput,
    now: Date,
    also?: (tx: AppTx, row: DraftRow) => Promise<unknown>,
  ): Promise<Draft | null> {
    return db.transaction(async (tx) => {
      const [row] = await update(tx);
      if (!row) return null;
      await also?.(tx, row);
      await appendAudit(tx, aboutDraft(audit, row.id), now);
      return toDraft(row);
    });
  }

  return {
    async create(draft: NewDraft, now: Date, audit: AuditEventInput) {
      const id = randomUUID();
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(drafts)
          .values({
            id,
            status: 'pending',
            channel: draft.channel,
            recipient: draft.to,
            text: draft.text,
            subject: draft.subject,
            requesterPlatform: draft.requester.platform,
            requesterUserId: draft.requester.userId,
            requesterName: draft.requester.name ?? null,
            conversation: draft.conversation,
            // One approved draft = one idempotency key, the same on every relay retry.
            idempotencyKey: `relaybot-${id}`,
            createdAt: now,
            updatedAt: now,
            expiresAt: new Date(now.getTime() + draft.ttlMs),
          })
          .returning();
        if (!row) throw new Error('insert into drafts returned no row');
        await appendAudit(tx, aboutDraft(audit, id), now);
        return toDraft(row);
      });
    },

    async get(id) {
      const [row] = await db.select().from(drafts).where(eq(drafts.id, id)).limit(1);
      return row ? toDraft(row) : null;
    },

    confirm: (id: string, by: Actor, now: Date, audit: AuditEventInput, withinLimits?: (counts: RateCounts) => void) =>
      decide(
        async (tx) => {
          if (withinLimits) await checkRateLimits(tx, id, now, withinLimits);
          return tx.update(drafts).set({ status: 'confirmed', ...decidedByColumns(by, now), updatedAt: now }).where(decidable(id, now)).returning();
        },
        audit,
        now,
        // The outbox row: due at once, no attempt made yet.
        (tx) => tx.insert(deliveries).values({ draftId: id, attempts: 0, nextAttemptAt: now, createdAt: now }),
      ),

    cancel: (id: string, by: Actor, now: Date, audit: AuditEventInput) =>
      decide(
        (tx) => tx.update(drafts).set({ status: 'cancelled', ...decidedByColumns(by, now), updatedAt: now }).where(decidable(id, now)).returning(),
        audit,
        now,
      ),

    edit: (id: string, patch: DraftPatch, now: Date, audit: AuditEventInput) =>
      decide(
        (tx) =>
          tx
            .update(drafts)
            .set({
              ...(patch.channel !== undefined && { channel: patch.channel }),
              ...(patch.to !== undefined && { recipient: patch.to }),
              ...(patch.text !== undefined && { text: patch.text }),
              ...(patch.subject !== undefined && { subject: patch.subject }),
              updatedAt: now,
            })
            .where(decidable(id, now))
            .returning(),
        audit,
        now,
      ),

    async setCardRef(id, cardRef) {
      await db.update(drafts).set({ cardRef }).where(eq(drafts.id, id));
    },

    async expireDue(now, limit) {
      return db.transaction(async (tx) => {
        // SKIP LOCKED: a draft being decided right now is left to that decision.
        const due = tx
          .select({ id: drafts.id })
          .from(drafts)
          .where(and(eq(drafts.status, 'pending'), lte(drafts.expiresAt, now)))
          .orderBy(drafts.expiresAt)
          .limit(limit)
          .for('update', { skipLocked: true });
        const rows = await tx
          .update(drafts)
          .set({ status: 'expired', updatedAt: now })
          .where(and(inArray(drafts.id, due), eq(drafts.status, 'pending')))
          .returning();
        for (const row of rows) {
          await appendAudit(tx, { actor: null, action: 'draft.expired', draftId: row.id, details: { expiresAt: row.expiresAt.toISOString() } }, now);
        }
        return rows.map(toDraft);
      });
    },

    async listByRequester(requester, limit) {
      const rows = await db
        .select()
        .from(drafts)
        .where(and(eq(drafts.requesterPlatform, requester.platform), eq(drafts.requesterUserId, requester.userId)))
        .orderBy(desc(drafts.createdAt))
        .limit(limit);
      return rows.map(toDraft);
    },

    rateCounts: (requester: Actor, channel: Channel, to: string, now: Date) => countRates(db, requester, channel, to, now),
  };
}

/**
 * Confirmed-or-later drafts in the rate-limit windows ending at `now`. With
 * `andLater`, decisions stamped after `now` count too: another replica (or a
 * request that read the clock later) may have confirmed meanwhile.
 */
async function countRates(q: AppDb | AppTx, requester: Actor, channel: Channel, to: string, now: Date, andLater = false): Promise<RateCounts> {
  const since = (ms: number) => gt(drafts.decidedAt, new Date(now.getTime() - ms));
  const bySender = and(eq(drafts.requesterPlatform, requester.platform), eq(drafts.requesterUserId, requester.userId), since(HOUR));
  const byRecipient = and(eq(drafts.channel, channel), eq(drafts.recipient, to));
  // One scan of the last day's decisions; the shorter windows are filters on it.
  const [row] = await q
    .select({
      senderLastHour: sql<number>`count(*) filter (where ${bySender})`.mapWith(Number),
      recipientLastDay: sql<number>`count(*) filter (where ${byRecipient})`.mapWith(Number),
      globalLastMinute: sql<number>`count(*) filter (where ${since(MINUTE)})`.mapWith(Number),
    })
    .from(drafts)
    .where(and(inArray(drafts.status, COUNTED_STATUSES), since(DAY), andLater ? undefined : lte(drafts.decidedAt, now)));
  return row ?? { senderLastHour: 0, recipientLastDay: 0, globalLastMinute: 0 };
}

/**
 * Count and check under one advisory lock, so two confirms (on any replicas)
 * cannot both see room for one more. The lock is held to the end of the
 * confirm's transaction; it is taken before any row lock or the audit lock.
 */
async function checkRateLimits(tx: AppTx, id: string, now: Date, withinLimits: (counts: RateCounts) => void): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${RATE_LOCK_KEY}::bigint)`);
  const [draft] = await tx
    .select({ platform: drafts.requesterPlatform, userId: drafts.requesterUserId, channel: drafts.channel, to: drafts.recipient })
    .from(drafts)
    .where(decidable(id, now));
  // Not decidable: the confirm's own update matches nothing and reports that instead.
  if (!draft) return;
  const requester: Actor = { platform: draft.platform as Actor['platform'], userId: draft.userId };
  withinLimits(await countRates(tx, requester, draft.channel as Channel, draft.to, now, true));
}
