/**
 * DraftStore over Drizzle. Each mutation and its audit entry are one
 * statement (a data-modifying CTE). Decisions are single conditional UPDATEs (`… AND status =
 * 'pending' AND expires_at > now`), so of two concurrent clicks — on one
 * process or many — exactly one matches a row; the other gets null.
 * The audit entry is written only when the change happened; a caller that
 * gets null audits the refusal itself (AuditLog.append).
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Draft, DraftPatch } from '../../core/draft.js';
import type { RateCounts } from '../../core/policy.js';
import type { AuditEventInput, DraftStore, NewDraft } from '../../core/ports.js';
import type { Actor, Channel } from '../../core/send-request.js';
import { appendAudit, auditForEach } from './audit-log.js';
import type { AuditKey } from './audit-key.js';
import type { AuditSealer } from './audit-sealer.js';
import type { AppDb } from './client.js';
import { batched, settled } from './batcher.js';
import { COUNTED_STATUSES, createConfirm, DAY, HOUR, MINUTE } from './draft-confirm.js';
import { decidedByColumns, draftFromSql, toDraft } from './draft-rows.js';
import { drafts } from './schema.js';


/** The audit event, about this draft unless the caller named another. */
export const aboutDraft = (audit: AuditEventInput, draftId: string): AuditEventInput & { draftId: string } => ({ ...audit, draftId: audit.draftId ?? draftId });

/** Conditions under which a draft may still be decided at `now`. */
const decidable = (id: string, now: Date) => and(eq(drafts.id, id), eq(drafts.status, 'pending'), gt(drafts.expiresAt, now));

export function createDraftStore(db: AppDb, sealer: AuditSealer, key: AuditKey): DraftStore {
  const confirm = createConfirm(db, sealer, key);
  const countRates = prepareCountRates(db);
  const byIds = db
    .select()
    .from(drafts)
    .where(sql`${drafts.id} in (select jsonb_array_elements_text(${sql.placeholder('ids')}::jsonb))`)
    .prepare('relaybot_drafts_by_ids');
  const setCardRef = db.update(drafts).set({ cardRef: sql`${sql.placeholder('cardRef')}` }).where(eq(drafts.id, sql.placeholder('id'))).prepare('relaybot_set_card_ref');
  // Lookups made together (every click starts with one) share one query.
  const get = batched(async (ids: string[]) => {
    const rows = await byIds.execute({ ids: JSON.stringify([...new Set(ids)]) });
    const byId = new Map(rows.map((row) => [row.id, toDraft(row)]));
    return ids.map((id) => settled.value(byId.get(id) ?? null));
  });

  /**
   * One write of a draft (`change`: an insert, or a conditional UPDATE,
   * returning the row) with its audit event as one statement: one round trip,
   * atomic, and the audit row exists exactly when the write matched.
   */
  async function decide(change: { getSQL(): SQL }, audit: AuditEventInput & { draftId: string }, now: Date): Promise<Draft | null> {
    const { rows } = await db.execute(sql`with d as (${change.getSQL()}), a as (${auditForEach(sql`d`, key, audit, now)}) select * from d`);
    if (!rows[0]) return null;
    sealer.nudge();
    return draftFromSql(rows[0]);
  }

  return {
    async create(draft: NewDraft, now: Date, audit: AuditEventInput) {
      const id = randomUUID();
      const insert = db
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
          cardRef: draft.cardRef ?? null,
          // One approved draft = one idempotency key, the same on every relay retry.
          idempotencyKey: `relaybot-${id}`,
          createdAt: now,
          updatedAt: now,
          expiresAt: new Date(now.getTime() + draft.ttlMs),
        })
        .returning();
      const created = await decide(insert, aboutDraft(audit, id), now);
      if (!created) throw new Error('insert into drafts returned no row');
      return created;
    },

    get,

    confirm: (id: string, by: Actor, now: Date, audit: AuditEventInput, withinLimits?: (counts: RateCounts) => void) =>
      confirm({ id, by, now, audit, withinLimits }),

    cancel: (id: string, by: Actor, now: Date, audit: AuditEventInput) =>
      decide(
        db.update(drafts).set({ status: 'cancelled', ...decidedByColumns(by, now), updatedAt: now }).where(decidable(id, now)).returning(),
        aboutDraft(audit, id),
        now,
      ),

    edit: (id: string, patch: DraftPatch, now: Date, audit: AuditEventInput) =>
      decide(
        db
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
        aboutDraft(audit, id),
        now,
      ),

    async setCardRef(id, cardRef) {
      await setCardRef.execute({ id, cardRef });
    },

    async expireDue(now, limit) {
      const expired = await db.transaction(async (tx) => {
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
          await appendAudit(tx, key, { actor: null, action: 'draft.expired', draftId: row.id, details: { expiresAt: row.expiresAt.toISOString() } }, now);
        }
        return rows.map(toDraft);
      });
      if (expired.length > 0) sealer.nudge();
      return expired;
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

    async rateCounts(requester: Actor, channel: Channel, to: string, now: Date) {
      const since = (ms: number) => new Date(now.getTime() - ms).toISOString();
      const [row] = await countRates.execute({
        platform: requester.platform, userId: requester.userId, channel, to,
        now: now.toISOString(), minuteAgo: since(MINUTE), hourAgo: since(HOUR), dayAgo: since(DAY),
      });
      return row ?? { senderLastHour: 0, recipientLastDay: 0, globalLastMinute: 0 };
    },
  };
}

/**
 * Confirmed-or-later drafts in the rate-limit windows ending at `now` (the
 * early check, when drafting): one scan of the last day's decisions, the
 * shorter windows filters on it. Prepared, as it runs for every message.
 */
function prepareCountRates(db: AppDb) {
  const p = (name: string) => sql.placeholder(name);
  const since = (name: string) => gt(drafts.decidedAt, p(name));
  const bySender = and(eq(drafts.requesterPlatform, p('platform')), eq(drafts.requesterUserId, p('userId')), since('hourAgo'));
  const byRecipient = and(eq(drafts.channel, p('channel')), eq(drafts.recipient, p('to')));
  return db
    .select({
      senderLastHour: sql<number>`count(*) filter (where ${bySender})`.mapWith(Number),
      recipientLastDay: sql<number>`count(*) filter (where ${byRecipient})`.mapWith(Number),
      globalLastMinute: sql<number>`count(*) filter (where ${since('minuteAgo')})`.mapWith(Number),
    })
    .from(drafts)
    .where(and(inArray(drafts.status, COUNTED_STATUSES), since('dayAgo'), lte(drafts.decidedAt, p('now'))))
    .prepare('relaybot_rate_counts');
}
