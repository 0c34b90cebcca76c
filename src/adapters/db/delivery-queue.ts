/**
 * DeliveryQueue over the `deliveries` outbox. A claim leases jobs with
 * FOR UPDATE SKIP LOCKED, so concurrent workers (and replicas) never get the
 * same job. A worker that dies mid-delivery simply lets its lease run out: the
 * job becomes due again and the next claim gets it as the next attempt, with
 * the draft's unchanged idempotency key so the relay can drop a duplicate.
 *
 * LOCK ORDER, in every statement here: the deliveries row, then the drafts
 * row. One order everywhere means a claim and a late succeed/fail on the same
 * job wait for each other instead of deadlocking. Audit events go to
 * `audit_pending`, which takes no lock.
 */
import { and, eq, inArray, isNotNull, not, sql } from 'drizzle-orm';
import type { AuditEventInput, DeliveryJob, DeliveryQueue } from '../../core/ports.js';
import { AUDIT_JSON_COLUMNS, appendAudit, auditForChanged, auditJsonFields } from './audit-log.js';
import type { AuditKey } from './audit-key.js';
import { batched, settled } from './batcher.js';
import type { AuditSealer } from './audit-sealer.js';
import type { AppDb } from './client.js';
import { aboutDraft, draftFromSql } from './draft-rows.js';
import { deliveries, drafts, limitLiteral } from './schema.js';

interface FinishCall {
  draftId: string;
  outcome: { status: 'sent' | 'failed'; dryRun?: boolean; relayMessageId?: string | null; failureReason?: string };
  now: Date;
  audit: AuditEventInput;
}

export function createDeliveryQueue(db: AppDb, sealer: AuditSealer, key: AuditKey): DeliveryQueue {
  /**
   * Close jobs whose drafts are `sending` — outcomes that arrive together
   * share one statement: each draft's outcome, its job deleted, its audit event.
   * The jobs' rows are locked first (the ARRAY subquery runs before any
   * drafts row is touched), the order a claim uses.
   */
  const finish = batched(async (calls: FinishCall[]) => {
    const first = new Map<string, FinishCall>();
    for (const call of calls) if (!first.has(call.draftId)) first.set(call.draftId, call);
    const values = [...first.values()].map((c) => ({
      id: c.draftId, status: c.outcome.status, dry_run: c.outcome.dryRun ?? null, relay_message_id: c.outcome.relayMessageId ?? null,
      failure_reason: c.outcome.failureReason ?? null, ...auditJsonFields(key, aboutDraft(c.audit, c.draftId), c.now),
    }));
    // The ids once more on their own. Here and below, `= any(array(…))` reads as primary-key
    // lookups; `in (select …)` may be planned as a hash join over the whole outbox.
    const ids = JSON.stringify(values.map((v) => v.id));
    const { rows } = await db.execute(sql`
      with v as (
        select * from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(
          id text, status text, dry_run boolean, relay_message_id text, failure_reason text, ${AUDIT_JSON_COLUMNS})
      ),
      d as (
        update drafts set status = v.status, dry_run = coalesce(v.dry_run, drafts.dry_run),
          relay_message_id = coalesce(v.relay_message_id, drafts.relay_message_id),
          failure_reason = coalesce(v.failure_reason, drafts.failure_reason), updated_at = v.at
        from v
        where drafts.id = v.id and drafts.status = 'sending'
          and drafts.id = any(array(
            select draft_id from deliveries where draft_id = any(array(select jsonb_array_elements_text(${ids}::jsonb))) order by draft_id for update))
        returning drafts.*
      ),
      -- The job is finished: its row goes (the draft keeps outcome and attempts), so the outbox holds only work in flight.
      j as (delete from deliveries where draft_id = any(array(select id from d))),
      a as (${auditForChanged(sql`v`, sql`d`)})
      select * from d`);
    if (rows.length > 0) sealer.nudge();
    const finished = new Map(rows.map((row) => [String(row.id), draftFromSql(row)]));
    return calls.map((call) => settled.value(first.get(call.draftId) === call ? (finished.get(call.draftId) ?? null) : null));
  });

  return {
    /**
     * Lease up to `limit` due jobs and mark their drafts `sending` in one
     * statement, then audit each claim in the same transaction. SKIP LOCKED:
     * jobs another worker holds (or is finishing) are passed over, never
     * waited for. (The audit insert is a second statement because each event
     * names its draft and attempt, which only the lease statement decides, and
     * this process must sign the event before it reaches the database.)
     */
    async claim(now, leaseMs, limit) {
      const leaseUntil = new Date(now.getTime() + leaseMs);
      const rows = await db.transaction(async (tx) => {
        const { rows } = await tx.execute<Record<string, unknown> & { job_id: string; job_attempts: number }>(sql`
          with due as (
            select draft_id from deliveries
            where not done and next_attempt_at <= ${iso(now)}::timestamptz
              -- An expired lease means the worker holding it is gone: crash recovery.
              and (lease_until is null or lease_until < ${iso(now)}::timestamptz)
            order by next_attempt_at
            limit ${limitLiteral(limit)}
            for update skip locked
          ),
          leased as (
            update deliveries set attempts = deliveries.attempts + 1, lease_until = ${iso(leaseUntil)}::timestamptz
            where deliveries.draft_id = any(array(select draft_id from due))
            returning deliveries.draft_id, deliveries.attempts
          ),
          -- confirmed (first attempt) or sending (a retry, or a crashed attempt) → sending, with the attempt count.
          d as (
            update drafts set status = 'sending', attempts = leased.attempts, updated_at = ${iso(now)}::timestamptz
            from leased where drafts.id = leased.draft_id and drafts.status in ('confirmed', 'sending')
            returning drafts.*
          )
          select leased.draft_id as job_id, leased.attempts as job_attempts, d.* from leased left join d on d.id = leased.draft_id`);
        const claimed = rows.filter((row) => row.id);
        await appendAudit(
          tx,
          key,
          claimed.map((row) => ({
            actor: null, action: 'delivery.claimed', draftId: String(row.id),
            details: { attempt: Number(row.attempts), leaseUntil: iso(leaseUntil) },
          })),
          now,
        );
        return rows;
      });
      const jobs: DeliveryJob[] = [];
      const stranded: string[] = [];
      for (const row of rows) {
        if (row.id) jobs.push({ draft: draftFromSql(row), attempt: Number(row.job_attempts) });
        else stranded.push(row.job_id);
      }
      if (stranded.length > 0) {
        // Not confirmed or sending (should not happen): close the job rather than re-lease it forever.
        await db.update(deliveries).set({ done: true, leaseUntil: null, lastError: 'the draft is no longer deliverable' }).where(inArray(deliveries.draftId, stranded));
      }
      if (jobs.length > 0) sealer.nudge();
      return jobs;
    },

    succeed: (draftId, result, now, audit) =>
      finish({ draftId, outcome: { status: 'sent', dryRun: result.dryRun, relayMessageId: result.relayMessageId }, now, audit }),

    fail: (draftId, reason, now, audit) => finish({ draftId, outcome: { status: 'failed', failureReason: reason }, now, audit }),

    async retryAt(draftId, at, lastError, audit) {
      const retried = await db.transaction(async (tx) => {
        const [job] = await tx
          .update(deliveries)
          .set({ leaseUntil: null, nextAttemptAt: at, lastError })
          .where(and(eq(deliveries.draftId, draftId), not(deliveries.done)))
          .returning({ draftId: deliveries.draftId });
        if (job) await appendAudit(tx, key, aboutDraft(audit, draftId));
        return Boolean(job);
      });
      if (retried) sealer.nudge();
    },

    async release(draftId) {
      const released = await db.transaction(async (tx) => {
        // Hand the job back untouched: the attempt never reached the relay, so it does not count.
        const [job] = await tx
          .update(deliveries)
          .set({ leaseUntil: null, attempts: sql`greatest(${deliveries.attempts} - 1, 0)` })
          .where(and(eq(deliveries.draftId, draftId), not(deliveries.done), isNotNull(deliveries.leaseUntil)))
          .returning({ attempts: deliveries.attempts });
        if (!job) return false;
        await tx.update(drafts).set({ attempts: job.attempts }).where(eq(drafts.id, draftId));
        await appendAudit(tx, key, { actor: null, action: 'delivery.released', draftId, details: { attempts: job.attempts } });
        return true;
      });
      if (released) sealer.nudge();
    },
  };
}

const iso = (at: Date) => at.toISOString();
