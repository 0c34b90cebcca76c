/**
 * Cancelling an approved, scheduled draft before its time. The outbox job is
 * the arbiter: the statement locks the job row first (the lock order of every
 * delivery statement: deliveries, then drafts) and matches only while no
 * worker holds a lease on it. A claim that got there first has set the lease
 * and moved the draft to `sending`, so the cancel matches nothing; a cancel
 * that got there first deletes the job and the claim never sees it (or finds
 * the draft cancelled and closes the job). Exactly one of the two wins, on one
 * process or many.
 */
import { sql } from 'drizzle-orm';
import type { Draft } from '../../core/draft.js';
import type { AuditEventInput } from '../../core/ports.js';
import type { Actor } from '../../core/send-request.js';
import { auditForEach } from './audit-log.js';
import type { AuditKey } from './audit-key.js';
import type { AuditSealer } from './audit-sealer.js';
import type { AppDb } from './client.js';
import { draftFromSql } from './draft-rows.js';

export interface CancelScheduledCall {
  id: string;
  by: Actor;
  now: Date;
  audit: AuditEventInput;
}

export async function cancelScheduled(db: AppDb, sealer: AuditSealer, key: AuditKey, call: CancelScheduledCall): Promise<Draft | null> {
  const { id, by, now } = call;
  const at = now.toISOString();
  const { rows } = await db.execute(sql`
    with j as (
      select draft_id from deliveries where draft_id = ${id} and not done and lease_until is null for update
    ),
    d as (
      update drafts set status = 'cancelled', decided_by_platform = ${by.platform}, decided_by_user_id = ${by.userId},
        decided_by_name = ${by.name ?? null}, decided_at = ${at}::timestamptz, updated_at = ${at}::timestamptz
      where drafts.id = ${id} and drafts.status = 'scheduled' and drafts.id = any(array(select draft_id from j))
      returning drafts.*
    ),
    x as (delete from deliveries where draft_id = any(array(select id from d))),
    a as (${auditForEach(sql`d`, key, { ...call.audit, draftId: call.audit.draftId ?? id }, now)})
    select * from d`);
  if (!rows[0]) return null;
  sealer.nudge();
  return draftFromSql(rows[0]);
}
