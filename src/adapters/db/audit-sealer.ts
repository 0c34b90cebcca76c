/**
 * Links pending audit events into the hash chain. Writers insert into
 * `audit_pending` inside their own transaction (no lock, no waiting on one
 * another); the sealer then moves committed rows into `audit_events` in
 * batches, in commit order, computing each link from the previous one. One
 * sealer at a time across all replicas (a transaction-scoped advisory lock),
 * and the move is one transaction, so a crash leaves rows pending, never lost
 * or chained twice.
 *
 * Why not chain inside each writer's transaction: the chain's tail is one hot
 * spot, so every confirm, claim and delivery on every replica would queue for
 * it until commit. Batching turns N tail reads and lock waits into one.
 *
 * Only events whose mac verifies are chained (audit-hash.ts). One that does
 * not — inserted by SQL, or written by a process with another AUDIT_KEY — is
 * refused: left in `audit_pending` (nothing may rewrite it), reported once per
 * process, and passed over, so the events after it are still sealed.
 */
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { asc, getTableColumns, sql } from 'drizzle-orm';
import type { Logger, Metrics } from '../../core/ports.js';
import type { Platform } from '../../core/send-request.js';
import { GENESIS_HASH, eventMac, keyedEntryHash } from './audit-hash.js';
import { equalHex, type AuditKey } from './audit-key.js';
import type { AppDb } from './client.js';
import { auditPending } from './schema.js';

/** Arbitrary constant naming the advisory lock that makes one sealer at a time. */
const SEAL_LOCK_KEY = 7_265_108_002;
const BATCH = 500;
/** Another process holds the seal lock: look again this soon, since it may have missed our rows. */
const BUSY_RETRY_MS = 25;
/**
 * A write waits this long before sealing starts, so a burst of writes is
 * chained in one batch rather than one run each. Readers never wait for it:
 * they flush.
 */
const GATHER_MS = 20;

export interface AuditSealer {
  /** Rows were just committed: seal them soon (coalesces; never throws). */
  nudge(): void;
  /** Seal everything committed so far, waiting for another sealer if need be. Readers call this first. */
  flush(): Promise<void>;
  /** Wait for a sealing run in progress (before closing the database). */
  idle(): Promise<void>;
}

export interface AuditSealerOptions {
  logger?: Logger | undefined;
  metrics?: Metrics | undefined;
}

export function createAuditSealer(db: AppDb, key: AuditKey, options: AuditSealerOptions = {}): AuditSealer {
  const { logger, metrics } = options;
  let running: Promise<void> | null = null;
  let again = false;
  /** Pending rows this process refused: never chained, reported once, skipped by later batches. */
  const refused = new Set<number>();

  function refuse(id: number): void {
    refused.add(id);
    // The row's id only: its content is exactly what cannot be trusted, and may not be logged.
    logger?.error({ pendingId: id }, 'audit: refused a pending audit event whose MAC does not verify (inserted without AUDIT_KEY, or by a process with another key); it stays in audit_pending, unchained');
    metrics?.auditEventRefused();
  }

  /** One batch; returns how many pending rows it examined (chained or refused), or null when another process holds the lock. */
  async function sealBatch(wait: boolean): Promise<number | null> {
    return db.transaction(async (tx) => {
      if (wait) {
        await tx.execute(sql`select pg_advisory_xact_lock(${SEAL_LOCK_KEY}::bigint)`);
      } else {
        const { rows } = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(${SEAL_LOCK_KEY}::bigint) as locked`);
        if (!rows[0]?.locked) return null;
      }
      // The chain's tail rides along with the batch: one round trip for both.
      const pending = await tx
        .select({
          row: getTableColumns(auditPending),
          tailSeq: sql<number | null>`(select seq from audit_events order by seq desc limit 1)`.mapWith(Number),
          tailHash: sql<string | null>`(select hash from audit_events order by seq desc limit 1)`,
        })
        .from(auditPending)
        .where(refused.size > 0 ? sql`${auditPending.id} not in (select jsonb_array_elements_text(${JSON.stringify([...refused])}::jsonb)::bigint)` : undefined)
        .orderBy(asc(auditPending.id))
        .limit(BATCH);
      if (pending.length === 0) return 0;
      let seq = pending[0]!.tailSeq ?? 0;
      let prevHash = pending[0]!.tailHash ?? GENESIS_HASH;
      const chained: number[] = [];
      const links = [];
      for (const { row } of pending) {
        const actor = row.actorPlatform === null ? null : { platform: row.actorPlatform as Platform, userId: row.actorUserId ?? '', name: row.actorName ?? undefined };
        const content = { at: row.at, actor, action: row.action, draftId: row.draftId, details: row.details };
        if (row.mac === null || !equalHex(row.mac, eventMac(key, content))) {
          refuse(row.id);
          continue;
        }
        seq += 1;
        const hash = keyedEntryHash(key, prevHash, { seq, ...content, mac: row.mac });
        links.push({
          seq, at: row.at.toISOString(), actor_platform: row.actorPlatform, actor_user_id: row.actorUserId, actor_name: row.actorName,
          action: row.action, draft_id: row.draftId, details: row.details, mac: row.mac, prev_hash: prevHash, hash,
        });
        chained.push(row.id);
        prevHash = hash;
      }
      if (chained.length === 0) return pending.length;
      // One statement moves them: out of pending, into the chain. The rows travel as one JSON
      // parameter: cheap to build on the event loop however large the batch. `= any(array(…))`:
      // primary-key lookups, where `in (select …)` may hash-join a whole burst's backlog.
      await tx.execute(sql`
        with moved as (delete from audit_pending where id = any(array(select jsonb_array_elements_text(${JSON.stringify(chained)}::jsonb)::bigint)))
        insert into audit_events (seq, at, actor_platform, actor_user_id, actor_name, action, draft_id, details, mac, prev_hash, hash)
        select seq, at, actor_platform, actor_user_id, actor_name, action, draft_id, details, mac, prev_hash, hash
        from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as l(seq bigint, at timestamptz, actor_platform text,
          actor_user_id text, actor_name text, action text, draft_id text, details jsonb, mac text, prev_hash text, hash text)`);
      return pending.length;
    });
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      const sealed = await sealBatch(false);
      if (sealed === null) {
        await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
        again = true;
      } else if (sealed === BATCH) {
        again = true;
      }
    } while (again);
  }

  const sealer: AuditSealer = {
    nudge() {
      if (running) {
        again = true;
        return;
      }
      // Sealing serves every request at once, so it belongs to none: started outside the nudging
      // request's trace (its queries would otherwise fill that trace with other requests' work).
      running = context.with(ROOT_CONTEXT, () =>
        new Promise<void>((resolve) => setTimeout(resolve, GATHER_MS))
          .then(drain)
          .catch((err: unknown) => logger?.warn({ err }, 'could not seal audit entries; they stay pending until the next write or read'))
          .finally(() => {
            running = null;
            // A write that committed as the last batch finished still needs its run.
            if (again) sealer.nudge();
          }),
      );
    },

    async flush() {
      await running;
      while ((await sealBatch(true)) === BATCH);
    },

    async idle() {
      await running;
    },
  };
  return sealer;
}
