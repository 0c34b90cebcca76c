/**
 * The tamper-evident audit log. A store records its change and the audit
 * event atomically — `appendAudit` in its transaction, `auditForEach` /
 * `auditForChanged` in the same statement, all through one `insertAudit` —
 * into `audit_pending`; the sealer (audit-sealer.ts)
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
import { auditEvents } from './schema.js';

/**
 * An event as the `audit_pending` row it becomes, in the shape of one
 * `jsonb_to_recordset` record (`AUDIT_JSON_COLUMNS`). Secrets are redacted
 * here, before anything is stored, and the event is MACed as it will be
 * stored: the database never sees an event its writer did not sign. `at`
 * doubles as the change's own time in statements that write both.
 */
export function auditJsonFields(key: AuditKey, event: AuditEventInput, at: Date) {
  const actor = event.actor ? normaliseActor(event.actor) : null;
  const draftId = event.draftId ?? null;
  const details = redactDetails(event.details);
  return {
    at: at.toISOString(), actor_platform: actor?.platform ?? null, actor_user_id: actor?.userId ?? null, actor_name: actor?.name ?? null,
    action: event.action, draft_id: draftId, details, mac: eventMac(key, { at, actor, action: event.action, draftId, details }),
  };
}
export const AUDIT_JSON_COLUMNS = sql.raw('at timestamptz, actor_platform text, actor_user_id text, actor_name text, action text, draft_id text, details jsonb, mac text');

/** Signed events as a row source aliased `r` (one jsonb parameter, however many events). */
const signedRows = (key: AuditKey, events: AuditEventInput[], at: Date): SQL =>
  sql`jsonb_to_recordset(${JSON.stringify(events.map((event) => auditJsonFields(key, event, at)))}::jsonb) as r(${AUDIT_JSON_COLUMNS})`;

/**
 * THE way an audit row is written: every writer goes through here. `from`
 * is a row source that names alias `r` with the `AUDIT_JSON_COLUMNS`
 * (signed by `auditJsonFields`), possibly joined with what the statement
 * changed, so a row is recorded exactly for the changes that happened.
 */
function insertAudit(from: SQL): SQL {
  return sql`insert into audit_pending (at, actor_platform, actor_user_id, actor_name, action, draft_id, details, mac)
    select r.at, r.actor_platform, r.actor_user_id, r.actor_name, r.action, r.draft_id, r.details, r.mac from ${from}`;
}

/**
 * Record events within `tx`: they commit or roll back with the caller's
 * change, and the sealer links them into the chain right after (nudge it
 * once the transaction has committed). One statement however many events.
 */
export async function appendAudit(tx: AppTx | AppDb, key: AuditKey, event: AuditEventInput | AuditEventInput[], at: Date = new Date()): Promise<void> {
  const events = Array.isArray(event) ? event : [event];
  if (events.length > 0) await tx.execute(insertAudit(signedRows(key, events, at)));
}

/**
 * The same, as a statement to put in a CTE of a data-modifying query: the
 * event, once per row of `source` (a CTE that returns the changed row), so
 * "change it, audit it" is one round trip and the audit row exists exactly
 * when the change matched. `event.draftId` names the draft when there is one:
 * it is what the row records and what the mac covers (an id computed in SQL
 * could not be signed by this process).
 */
export function auditForEach(source: SQL, key: AuditKey, event: AuditEventInput, at: Date): SQL {
  return insertAudit(sql`${signedRows(key, [event], at)} cross join ${source}`);
}

/** For statements that take many rows as one recordset CTE (`rows`, fields from `auditJsonFields`, with an `id`): the events of the rows whose draft the statement changed (`changed`, a CTE with `id`). */
export function auditForChanged(rows: SQL, changed: SQL): SQL {
  return insertAudit(sql`${rows} as r join ${changed} on ${changed}.id = r.id`);
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
