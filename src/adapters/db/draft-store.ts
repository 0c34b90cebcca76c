/**
 * DraftStore over Drizzle. Each mutation and its audit entry are one
 * statement (a data-modifying CTE). Decisions are single conditional UPDATEs (`… AND status =
 * 'pending' AND version = $seen AND expires_at > now`), so what is decided is
 * exactly the content that was seen, and of two concurrent clicks — on one
 * process or many — exactly one matches a row; the other gets null.
 * The audit entry is written only when the change happened; a caller that
 * gets null audits the refusal itself (AuditLog.append).
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Draft, DraftPatch } from '../../core/draft.js';
import type { DraftingCounts, RateCounts } from '../../core/policy.js';
import type { AuditEventInput, DraftStore, NewDraft } from '../../core/ports.js';
import type { Actor, Channel } from '../../core/send-request.js';
import { appendAudit, auditForEach } from './audit-log.js';
import type { AuditKey } from './audit-key.js';
import type { AuditSealer } from './audit-sealer.js';
import type { AppDb } from './client.js';
import { batched, settled } from './batcher.js';
import { createConfirm } from './draft-confirm.js';
import { aboutDraft, decidedByColumns, draftFromSql, toDraft } from './draft-rows.js';
import { countRates, prepareRateCounts } from './rate-counts.js';
import { deliveries, drafts, FINAL_STATUSES, limitLiteral, statusIn } from './schema.js';


/** Conditions under which a draft may still be decided at `now`, by someone who saw `version`. */
const decidable = (id: string, version: number, now: Date) =>
  and(eq(drafts.id, id), eq(drafts.status, 'pending'), eq(drafts.version, version), gt(drafts.expiresAt, now));

export function createDraftStore(db: AppDb, sealer: AuditSealer, key: AuditKey): DraftStore {
  const confirm = createConfirm(db, sealer, key);
  const rateCountQuery = prepareRateCounts(db);
  const pendingOfSender = preparePendingOfSender(db);
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
          reason: draft.reason ?? null,
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

    confirm: (id: string, version: number, by: Actor, now: Date, audit: AuditEventInput, withinLimits?: (counts: RateCounts) => void) =>
      confirm({ id, version, by, now, audit, withinLimits }),

    cancel: (id: string, version: number, by: Actor | null, now: Date, audit: AuditEventInput) =>
      decide(
        db.update(drafts).set({ status: 'cancelled', ...decidedByColumns(by, now), updatedAt: now }).where(decidable(id, version, now)).returning(),
        aboutDraft(audit, id),
        now,
      ),

    edit: (id: string, version: number, patch: DraftPatch, now: Date, audit: AuditEventInput) =>
      decide(
        db
            .update(drafts)
            .set({
              ...(patch.channel !== undefined && { channel: patch.channel }),
              ...(patch.to !== undefined && { recipient: patch.to }),
              ...(patch.text !== undefined && { text: patch.text }),
              ...(patch.subject !== undefined && { subject: patch.subject }),
              // In the same conditional UPDATE as the change: no reader ever sees new content under the old version.
              version: sql`${drafts.version} + 1`,
              updatedAt: now,
            })
            .where(decidable(id, version, now))
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
        await appendAudit(tx, key, rows.map((row) => ({ actor: null, action: 'draft.expired', draftId: row.id, details: { expiresAt: row.expiresAt.toISOString() } })), now);
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

    async listPendingInChat(platform, chatId, now) {
      // On drafts_status_expires_idx (status, expires_at): the range is the drafts pending right now, which
      // expire within minutes and are capped per requester, so the scan stays small however long the history.
      // The status is a literal, so even a generic plan knows the range is the pending rows.
      const rows = await db
        .select()
        .from(drafts)
        .where(
          and(
            sql`${drafts.status} = 'pending'`,
            gt(drafts.expiresAt, now),
            sql`${drafts.conversation}->>'platform' = ${platform}`,
            sql`${drafts.conversation}->>'chatId' = ${chatId}`,
          ),
        )
        .orderBy(drafts.expiresAt);
      return rows.map(toDraft);
    },

    async rateCounts(requester: Actor, channel: Channel, to: string, now: Date) {
      const [[counts], [pending]] = await Promise.all([
        countRates(rateCountQuery, [{ platform: requester.platform, userId: requester.userId, channel, to }], now),
        pendingOfSender.execute({ platform: requester.platform, userId: requester.userId, now: now.toISOString() }),
      ]);
      const drafting: DraftingCounts = {
        ...counts!,
        senderPending: pending?.senderPending ?? 0,
        senderPendingNextExpiry: pending?.nextExpiry ? new Date(pending.nextExpiry) : null,
      };
      return drafting;
    },

    async purgeDecided(before: Date, limit: number) {
      // Oldest final drafts first, on their partial index; a job row left behind (closed as undeliverable) goes with its draft.
      const { rows } = await db.execute<{ purged: number }>(sql`
        with old as (
          select id from drafts where ${statusIn(FINAL_STATUSES)} and updated_at < ${before.toISOString()}::timestamptz
          order by updated_at limit ${limitLiteral(limit)} for update skip locked
        ),
        j as (delete from ${deliveries} where draft_id = any(array(select id from old))),
        d as (delete from drafts where id = any(array(select id from old)) returning 1)
        select count(*)::int as purged from d`);
      return Number(rows[0]?.purged ?? 0);
    },
  };
}

/**
 * The requester's pending drafts (the pending cap, checked at every message),
 * on the partial index drafts_pending_requester_idx: it holds pending rows
 * only, so the count does not grow with history.
 */
function preparePendingOfSender(db: AppDb) {
  const p = (name: string) => sql.placeholder(name);
  return db
    .select({
      senderPending: sql<number>`count(*)`.mapWith(Number),
      nextExpiry: sql<string | null>`min(${drafts.expiresAt})::text`,
    })
    .from(drafts)
    .where(and(eq(drafts.status, 'pending'), eq(drafts.requesterPlatform, p('platform')), eq(drafts.requesterUserId, p('userId')), gt(drafts.expiresAt, p('now'))))
    .prepare('relaybot_pending_of_sender');
}
