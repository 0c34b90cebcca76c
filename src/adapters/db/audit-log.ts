/**
 * The tamper-evident audit log. A store records its change and the audit
 * event atomically — `appendAudit` in its transaction, or `auditForEach` in
 * the same statement — into `audit_pending`; the sealer (audit-sealer.ts)
 * then links committed events into the hash chain in `audit_events`.
 * `createAuditLog` is the AuditLog port: reads seal first, so they see every
 * committed event.
 */
import { and, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { AuditCheckpoint, AuditEventInput, AuditFilter, AuditLog } from '../../core/ports.js';
import { GENESIS_HASH, checkpointMac, eventMac } from './audit-hash.js';
import type { AuditKey } from './audit-key.js';
import { normaliseActor, toAuditEntry } from './audit-rows.js';
import type { AuditSealer } from './audit-sealer.js';
import { verifyAuditChain } from './audit-verify.js';
import type { AppDb, AppTx } from './client.js';
import { redactDetails } from './redact.js';
import { auditEvents, auditPending } from './schema.js';

/**
 * The `audit_pending` column values for one event. Secrets are redacted here,
 * before anything is stored, and the event is MACed as it will be stored: the
 * database never sees an event its writer did not sign.
 */
function pendingAuditValues(key: AuditKey, event: AuditEventInput, at: Date) {
  const actor = event.actor ? normaliseActor(event.actor) : null;
  const draftId = event.draftId ?? null;
  const details = redactDetails(event.details);
  return {
    at,
    actorPlatform: actor?.platform ?? null,
    actorUserId: actor?.userId ?? null,
    actorName: actor?.name ?? null,
    action: event.action,
    draftId,
    details,
    mac: eventMac(key, { at, actor, action: event.action, draftId, details }),
  };
}

/**
 * Record `event` within `tx`: it commits or rolls back with the caller's
 * change, and the sealer links it into the chain right after (nudge it once
 * the transaction has committed).
 */
export async function appendAudit(tx: AppTx | AppDb, key: AuditKey, event: AuditEventInput, at: Date = new Date()): Promise<void> {
  await appendAudits(tx, key, [event], at);
}

/** The same for several events at once: one insert. */
export async function appendAudits(tx: AppTx | AppDb, key: AuditKey, events: AuditEventInput[], at: Date = new Date()): Promise<void> {
  if (events.length > 0) await tx.insert(auditPending).values(events.map((event) => pendingAuditValues(key, event, at)));
}

/**
 * The same, as a statement to put in a CTE of a data-modifying query: the
 * event, once per row of `source` (a CTE that returns the changed draft), so
 * "update the draft, audit it" is one round trip and the audit row exists
 * exactly when the update matched. `event.draftId` must name the draft: it is
 * what the row records and what the mac covers (the draft's id in SQL could
 * not be signed by this process).
 */
export function auditForEach(source: SQL, key: AuditKey, event: AuditEventInput & { draftId: string }, at: Date): SQL {
  const v = pendingAuditValues(key, event, at);
  return sql`insert into audit_pending (at, actor_platform, actor_user_id, actor_name, action, draft_id, details, mac)
    select ${at.toISOString()}::timestamptz, ${v.actorPlatform}, ${v.actorUserId}, ${v.actorName}, ${v.action}, ${v.draftId},
      ${JSON.stringify(v.details)}::jsonb, ${v.mac} from ${source}`;
}

/**
 * For statements that take many rows as one `jsonb_to_recordset` parameter:
 * an event's `audit_pending` columns as fields of such a row (`at` doubles as
 * the change's own time), their column list, and the insert that records the
 * events of the rows whose draft the statement changed.
 */
export function auditJsonFields(key: AuditKey, event: AuditEventInput, at: Date) {
  const v = pendingAuditValues(key, event, at);
  return {
    at: at.toISOString(), actor_platform: v.actorPlatform, actor_user_id: v.actorUserId, actor_name: v.actorName,
    action: v.action, draft_id: v.draftId, details: v.details, mac: v.mac,
  };
}
export const AUDIT_JSON_COLUMNS = sql.raw('at timestamptz, actor_platform text, actor_user_id text, actor_name text, action text, draft_id text, details jsonb, mac text');
/** `rows`: the CTE of JSON rows (with an `id` naming the draft); `changed`: the CTE of drafts the statement updated. */
export function auditForChanged(rows: SQL, changed: SQL): SQL {
  return sql`insert into audit_pending (at, actor_platform, actor_user_id, actor_name, action, draft_id, details, mac)
    select ${rows}.at, ${rows}.actor_platform, ${rows}.actor_user_id, ${rows}.actor_name, ${rows}.action, ${rows}.draft_id, ${rows}.details, ${rows}.mac
    from ${rows} join ${changed} on ${changed}.id = ${rows}.id`;
}

export function createAuditLog(db: AppDb, sealer: AuditSealer, key: AuditKey): AuditLog {
  return {
    async append(event) {
      await appendAudit(db, key, event);
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

    async verify(checkpoints) {
      await sealer.flush();
      return verifyAuditChain(db, key, checkpoints);
    },

    async checkpoint(at = new Date()): Promise<AuditCheckpoint> {
      await sealer.flush();
      const [head] = await db.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
      const signed = { seq: head?.seq ?? 0, hash: head?.hash ?? GENESIS_HASH, at: at.toISOString() };
      return { ...signed, mac: checkpointMac(key, signed) };
    },
  };
}
