/**
 * DeliveryQueue over the `deliveries` outbox. A claim leases jobs with
 * FOR UPDATE SKIP LOCKED, so concurrent workers (and replicas) never get the
 * same job. A worker that dies mid-delivery simply lets its lease run out: the
 * job becomes due again and the next claim gets it as the next attempt, with
 * the draft's unchanged idempotency key so the relay can drop a duplicate.
 *
 * LOCK ORDER, in every transaction here: the deliveries row, then the drafts
 * row, then the audit lock (appendAudit, always last). One order everywhere
 * means a claim and a late succeed/fail on the same job wait for each other
 * instead of deadlocking.
 */
import { and, asc, eq, inArray, isNotNull, isNull, lt, lte, not, or, sql } from 'drizzle-orm';
import type { Draft } from '../../core/draft.js';
import type { AuditEventInput, DeliveryJob, DeliveryQueue } from '../../core/ports.js';
import { appendAudit } from './audit-log.js';
import type { AppDb, AppTx } from './client.js';
import { aboutDraft } from './draft-store.js';
import { toDraft } from './draft-rows.js';
import { deliveries, drafts } from './schema.js';

export function createDeliveryQueue(db: AppDb): DeliveryQueue {
  /** Close a job whose draft is `sending`: set the draft's outcome, mark the job done, audit. */
  async function finish(
    draftId: string,
    outcome: { status: 'sent' | 'failed'; dryRun?: boolean; relayMessageId?: string | null; failureReason?: string },
    now: Date,
    audit: AuditEventInput,
  ): Promise<Draft | null> {
    return db.transaction(async (tx) => {
      await lockJob(tx, draftId);
      const [row] = await tx
        .update(drafts)
        .set({ ...outcome, updatedAt: now })
        .where(and(eq(drafts.id, draftId), eq(drafts.status, 'sending')))
        .returning();
      if (!row) return null;
      await tx
        .update(deliveries)
        .set({ done: true, leaseUntil: null, ...(outcome.failureReason !== undefined && { lastError: outcome.failureReason }) })
        .where(eq(deliveries.draftId, draftId));
      await appendAudit(tx, aboutDraft(audit, draftId), now);
      return toDraft(row);
    });
  }

  return {
    async claim(now, leaseMs, limit) {
      return db.transaction(async (tx) => {
        const due = await tx
          .select({ draftId: deliveries.draftId })
          .from(deliveries)
          .where(
            and(
              not(deliveries.done),
              lte(deliveries.nextAttemptAt, now),
              // An expired lease means the worker holding it is gone: crash recovery.
              or(isNull(deliveries.leaseUntil), lt(deliveries.leaseUntil, now)),
            ),
          )
          .orderBy(asc(deliveries.nextAttemptAt))
          .limit(limit)
          .for('update', { skipLocked: true });
        if (due.length === 0) return [];
        const leaseUntil = new Date(now.getTime() + leaseMs);
        const leased = await tx
          .update(deliveries)
          .set({ attempts: sql`${deliveries.attempts} + 1`, leaseUntil })
          .where(inArray(deliveries.draftId, due.map((d) => d.draftId)))
          .returning({ draftId: deliveries.draftId, attempts: deliveries.attempts });
        const jobs: DeliveryJob[] = [];
        for (const job of leased) {
          const draft = await markSending(tx, job.draftId, job.attempts, now);
          if (draft) {
            jobs.push({ draft, attempt: job.attempts });
          } else {
            // Not confirmed or sending (should not happen): close the job rather than re-lease it forever.
            await tx.update(deliveries).set({ done: true, leaseUntil: null, lastError: 'the draft is no longer deliverable' }).where(eq(deliveries.draftId, job.draftId));
          }
        }
        // Audit only after every row lock is taken (see LOCK ORDER above).
        for (const job of jobs) {
          await appendAudit(tx, { actor: null, action: 'delivery.claimed', draftId: job.draft.id, details: { attempt: job.attempt, leaseUntil: leaseUntil.toISOString() } }, now);
        }
        return jobs;
      });
    },

    succeed: (draftId, result, now, audit) =>
      finish(draftId, { status: 'sent', dryRun: result.dryRun, relayMessageId: result.relayMessageId }, now, audit),

    fail: (draftId, reason, now, audit) => finish(draftId, { status: 'failed', failureReason: reason }, now, audit),

    async retryAt(draftId, at, lastError, audit) {
      await db.transaction(async (tx) => {
        const [job] = await tx
          .update(deliveries)
          .set({ leaseUntil: null, nextAttemptAt: at, lastError })
          .where(and(eq(deliveries.draftId, draftId), not(deliveries.done)))
          .returning({ draftId: deliveries.draftId });
        if (job) await appendAudit(tx, aboutDraft(audit, draftId));
      });
    },

    async release(draftId) {
      await db.transaction(async (tx) => {
        // Hand the job back untouched: the attempt never reached the relay, so it does not count.
        const [job] = await tx
          .update(deliveries)
          .set({ leaseUntil: null, attempts: sql`greatest(${deliveries.attempts} - 1, 0)` })
          .where(and(eq(deliveries.draftId, draftId), not(deliveries.done), isNotNull(deliveries.leaseUntil)))
          .returning({ attempts: deliveries.attempts });
        if (!job) return;
        await tx.update(drafts).set({ attempts: job.attempts }).where(eq(drafts.id, draftId));
        await appendAudit(tx, { actor: null, action: 'delivery.released', draftId, details: { attempts: job.attempts } });
      });
    },
  };
}

/** confirmed (first attempt) or sending (a retry, or a crashed attempt) → sending, with the attempt count. */
async function markSending(tx: AppTx, draftId: string, attempts: number, now: Date): Promise<Draft | null> {
  const [row] = await tx
    .update(drafts)
    .set({ status: 'sending', attempts, updatedAt: now })
    .where(and(eq(drafts.id, draftId), inArray(drafts.status, ['confirmed', 'sending'])))
    .returning();
  return row ? toDraft(row) : null;
}

/** Take the job's row lock first, so this transaction locks in the same order as a claim. */
async function lockJob(tx: AppTx, draftId: string): Promise<void> {
  await tx.select({ draftId: deliveries.draftId }).from(deliveries).where(eq(deliveries.draftId, draftId)).for('update');
}
