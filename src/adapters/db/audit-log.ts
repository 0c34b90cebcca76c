/**
 * The tamper-evident audit log. `appendAudit` runs inside a caller's
 * transaction, so a store writes its change and its audit entry atomically;
 * `createAuditLog` is the AuditLog port on top of it.
 */
import { and, asc, desc, eq, gt, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { AuditEntry, AuditEventInput, AuditFilter, AuditLog, AuditVerifyResult } from '../../core/ports.js';
import type { Actor, Platform } from '../../core/send-request.js';
import { GENESIS_HASH, entryHash } from './audit-hash.js';
import type { AppDb, AppTx } from './client.js';
import { redactDetails } from './redact.js';
import { auditEvents, type AuditEventRow } from './schema.js';

/**
 * Arbitrary constant naming the transaction-scoped advisory lock that
 * serialises appends: every process reads the chain's tail and writes the next
 * link while holding it, so concurrent appends can never fork the chain.
 */
const AUDIT_LOCK_KEY = 7_265_108_002;
const VERIFY_PAGE = 500;

/**
 * Append one entry to the chain within `tx`, a transaction: the entry commits
 * or rolls back with the caller's change. The lock is held until `tx` ends,
 * so call this last in the transaction, after taking any row locks.
 */
export async function appendAudit(tx: AppTx, event: AuditEventInput, at: Date = new Date()): Promise<AuditEntry> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY}::bigint)`);
  const [last] = await tx
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  const actor = event.actor ? normaliseActor(event.actor) : null;
  const entry = {
    seq: (last?.seq ?? 0) + 1,
    at,
    actor,
    action: event.action,
    draftId: event.draftId ?? null,
    details: redactDetails(event.details),
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  const hash = entryHash(prevHash, entry);
  await tx.insert(auditEvents).values({
    seq: entry.seq,
    at: entry.at,
    actorPlatform: actor?.platform ?? null,
    actorUserId: actor?.userId ?? null,
    actorName: actor?.name ?? null,
    action: entry.action,
    draftId: entry.draftId,
    details: entry.details,
    prevHash,
    hash,
  });
  return { ...entry, prevHash, hash };
}

export function createAuditLog(db: AppDb): AuditLog {
  return {
    append: (event) => db.transaction((tx) => appendAudit(tx, event)),

    async list(filter: AuditFilter = {}) {
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
