/**
 * The tamper-evident audit log. A store records its change and the audit
 * event atomically — `appendAudit` in its transaction, or `auditForEach` in
 * the same statement — into `audit_pending`; the sealer (audit-sealer.ts)
 * then links committed events into the hash chain in `audit_events`.
 * `createAuditLog` is the AuditLog port: reads seal first, so they see every
 * committed event.
 */
import { and, asc, desc, eq, gt, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { AuditEntry, AuditEventInput, AuditFilter, AuditLog, AuditVerifyResult } from '../../core/ports.js';
import type { Actor, Platform } from '../../core/send-request.js';
import { GENESIS_HASH, entryHash } from './audit-hash.js';
import type { AuditSealer } from './audit-sealer.js';
import type { AppDb, AppTx } from './client.js';
import { redactDetails } from './redact.js';
import { auditEvents, auditPending, type AuditEventRow } from './schema.js';

const VERIFY_PAGE = 500;

/** The `audit_pending` column values for one event. Secrets are redacted here, before anything is stored. */
function pendingAuditValues(event: AuditEventInput, at: Date) {
  const actor = event.actor ? normaliseActor(event.actor) : null;
  return {
    at,
    actorPlatform: actor?.platform ?? null,
    actorUserId: actor?.userId ?? null,
    actorName: actor?.name ?? null,
    action: event.action,
    draftId: event.draftId ?? null,
    details: redactDetails(event.details),
  };
}

/**
 * Record `event` within `tx`: it commits or rolls back with the caller's
 * change, and the sealer links it into the chain right after (nudge it once
 * the transaction has committed).
 */
export async function appendAudit(tx: AppTx | AppDb, event: AuditEventInput, at: Date = new Date()): Promise<void> {
  await tx.insert(auditPending).values(pendingAuditValues(event, at));
}

/**
 * The same, as a statement to put in a CTE of a data-modifying query: one
 * audit row per row of `source` (a CTE that returns drafts), with the draft's
 * id. So "update the draft, queue its job, audit it" is one round trip, and
 * the audit row exists exactly when the update matched.
 */
export function auditForEach(source: SQL, event: AuditEventInput, at: Date, details?: SQL): SQL {
  const v = pendingAuditValues(event, at);
  return sql`insert into audit_pending (at, actor_platform, actor_user_id, actor_name, action, draft_id, details)
    select ${at.toISOString()}::timestamptz, ${v.actorPlatform}, ${v.actorUserId}, ${v.actorName}, ${v.action}, ${source}.id,
      ${details ?? sql`${JSON.stringify(v.details)}::jsonb`} from ${source}`;
}

/**
 * For statements that take many rows as one `jsonb_to_recordset` parameter:
 * an event's `audit_pending` columns as fields of such a row (`at` doubles as
 * the change's own time), their column list, and the insert that records the
 * events of the rows whose draft the statement changed.
 */
export function auditJsonFields(event: AuditEventInput, at: Date) {
  const v = pendingAuditValues(event, at);
  return {
    at: at.toISOString(), actor_platform: v.actorPlatform, actor_user_id: v.actorUserId, actor_name: v.actorName,
    action: v.action, draft_id: v.draftId, details: v.details,
  };
}
export const AUDIT_JSON_COLUMNS = sql.raw('at timestamptz, actor_platform text, actor_user_id text, actor_name text, action text, draft_id text, details jsonb');
/** `rows`: the CTE of JSON rows (with an `id` naming the draft); `changed`: the CTE of drafts the statement updated. */
export function auditForChanged(rows: SQL, changed: SQL): SQL {
  return sql`insert into audit_pending (at, actor_platform, actor_user_id, actor_name, action, draft_id, details)
    select ${rows}.at, ${rows}.actor_platform, ${rows}.actor_user_id, ${rows}.actor_name, ${rows}.action, ${rows}.draft_id, ${rows}.details
    from ${rows} join ${changed} on ${changed}.id = ${rows}.id`;
}

export function createAuditLog(db: AppDb, sealer: AuditSealer): AuditLog {
  return {
    async append(event) {
      await appendAudit(db, event);
      sealer.nudge();
    },

    async list(filter: AuditFilter = {}) {
      await sealer.flush();
      const conditions: SQL[] = [];
      if (filter.draftId) conditions.push(eq(auditEvents.draftId, filter.draftId));
      if (filter.actor) {
        const split = filter.actor.indexOf(':');
        const platform = split < 0 ? filter.actor : filter.actor.slice(0, split);
        conditions.push(eq(auditEvents.actorPlatform, platform));
        if (split >= 0) conditions.push(eq(auditEvents.actorUserId, filter.actor.slice(split + 1)));
      }
      if (filter.since) conditions.push(gte(auditEvents.at, filter.since));
      if (filter.until) conditions.push(lte(auditEvents.at, filter.until));
      const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 100), 1), 1000);
      const rows = await db
        .select()
        .from(auditEvents)
        .where(and(...conditions))
        .orderBy(desc(auditEvents.seq))
        .limit(limit);
      return rows.map(toAuditEntry);
    },

    async verify(): Promise<AuditVerifyResult> {
      await sealer.flush();
      let prevHash = GENESIS_HASH;
      let expectedSeq = 1;
      let count = 0;
      for (;;) {
        const page = await db
          .select()
          .from(auditEvents)
          .where(gt(auditEvents.seq, expectedSeq - 1))
          .orderBy(asc(auditEvents.seq))
          .limit(VERIFY_PAGE);
        for (const row of page) {
          const broken = checkLink(row, expectedSeq, prevHash);
          if (broken) return { ok: false, count, ...broken };
          prevHash = row.hash;
          expectedSeq += 1;
          count += 1;
        }
        if (page.length < VERIFY_PAGE) return { ok: true, count };
      }
    },
  };
}

/** Why this row does not continue the chain, or null when it does. */
function checkLink(row: AuditEventRow, expectedSeq: number, prevHash: string): { brokenSeq: number; reason: string } | null {
  if (row.seq !== expectedSeq) {
    return { brokenSeq: expectedSeq, reason: `entry ${expectedSeq} is missing (the next entry found is ${row.seq})` };
  }
  if (row.prevHash !== prevHash) {
    return { brokenSeq: row.seq, reason: `prev_hash mismatch: entry ${row.seq} does not point at the hash of entry ${row.seq - 1}` };
  }
  const entry = toAuditEntry(row);
  if (entryHash(row.prevHash, entry) !== row.hash) {
    return { brokenSeq: row.seq, reason: `hash mismatch: entry ${row.seq} was changed after it was written` };
  }
  return null;
}

function toAuditEntry(row: AuditEventRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actorPlatform === null ? null : normaliseActor({ platform: row.actorPlatform as Platform, userId: row.actorUserId ?? '', name: row.actorName ?? undefined }),
    action: row.action,
    draftId: row.draftId,
    details: row.details,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/** Only the three fields the log keeps, `name` omitted when unknown (the hash treats it as null). */
function normaliseActor(actor: Actor): Actor {
  return actor.name == null ? { platform: actor.platform, userId: actor.userId } : { platform: actor.platform, userId: actor.userId, name: actor.name };
}
