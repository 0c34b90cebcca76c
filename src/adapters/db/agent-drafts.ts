/**
 * The agents' side of the drafts table: extra card references (`draft_cards`)
 * and the pending lists behind the web inbox. Every list reads pending rows
 * only, on partial or status-led indexes, so its cost does not grow with history.
 */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { DraftCards, PendingDrafts } from '../../core/agent-ports.js';
import type { AppDb } from './client.js';
import { toDraft } from './draft-rows.js';
import { draftCards, drafts } from './schema.js';

export function createDraftCards(db: AppDb): DraftCards {
  return {
    async add(draftId, ref, now) {
      await db.insert(draftCards).values({ draftId, ref, createdAt: now }).onConflictDoNothing();
    },
    async list(draftId) {
      const rows = await db.select({ ref: draftCards.ref }).from(draftCards).where(eq(draftCards.draftId, draftId)).orderBy(asc(draftCards.createdAt));
      return rows.map((r) => r.ref);
    },
  };
}

export function createPendingDrafts(db: AppDb): PendingDrafts {
  // `status = 'pending'` is a literal so the partial index drafts_pending_requester_idx applies even to a generic plan.
  const pending = sql`${drafts.status} = 'pending'`;
  return {
    async ofRequester(requester, now, limit) {
      const rows = await db
        .select()
        .from(drafts)
        .where(and(pending, eq(drafts.requesterPlatform, requester.platform), eq(drafts.requesterUserId, requester.userId), gt(drafts.expiresAt, now)))
        .orderBy(asc(drafts.expiresAt))
        .limit(limit);
      return rows.map(toDraft);
    },
    async ofAgents(now, limit) {
      const rows = await db
        .select()
        .from(drafts)
        .where(and(pending, sql`${drafts.requesterPlatform} = 'agent'`, gt(drafts.expiresAt, now)))
        .orderBy(asc(drafts.expiresAt))
        .limit(limit);
      return rows.map(toDraft);
    },
    async all(now, limit) {
      const rows = await db.select().from(drafts).where(and(pending, gt(drafts.expiresAt, now))).orderBy(asc(drafts.expiresAt)).limit(limit);
      return rows.map(toDraft);
    },
  };
}
