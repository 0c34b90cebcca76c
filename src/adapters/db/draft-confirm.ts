/**
 * Confirming drafts, grouped: every confirm that arrives while the database
 * is busy joins one transaction — one set of rate-limit locks, one count, one
 * statement that decides the drafts, queues their outbox jobs and records
 * their audit events. The guarantees are those of a single confirm:
 *
 * - each draft is decided by one conditional UPDATE (`status = 'pending' and
 *   version = $seen and expires_at > now`), so what is confirmed is exactly
 *   the content the approver saw, and of two clicks — in one round, or on two
 *   replicas — exactly one gets the row;
 * - limits are counted under advisory locks on the keys the round touches
 *   (its senders, recipients and the global key), held to commit, so replicas
 *   cannot overshoot them together, and confirms earlier in the same round
 *   count against later ones (rate-counts.ts).
 */
import { sql } from 'drizzle-orm';
import type { Draft } from '../../core/draft.js';
import type { RateCounts } from '../../core/policy.js';
import type { AuditEventInput } from '../../core/ports.js';
import type { Actor } from '../../core/send-request.js';
import { AUDIT_JSON_COLUMNS, auditForChanged, auditJsonFields } from './audit-log.js';
import type { AuditKey } from './audit-key.js';
import type { AuditSealer } from './audit-sealer.js';
import { batched, settled, type Settled } from './batcher.js';
import type { AppDb, AppTx } from './client.js';
import { draftFromSql } from './draft-rows.js';
import { countRates, GLOBAL_KEY, lockRateKeys, prepareRateCounts, recipientKey, senderKey } from './rate-counts.js';

export interface ConfirmCall {
  id: string;
  /** The version the approver saw; the draft is confirmed only if it is still that version. */
  version: number;
  by: Actor;
  now: Date;
  audit: AuditEventInput;
  /** Throws (the refusal) when the counts leave no room; absent = no limits. */
  withinLimits?: (counts: RateCounts) => void;
}

interface Counted {
  id: string;
  sender: string;
  recipient: string;
  counts: RateCounts;
}

/** `confirm(call)` → the confirmed draft, null when it was not (or no longer) pending, or throws the limit refusal. */
export function createConfirm(db: AppDb, sealer: AuditSealer, key: AuditKey): (call: ConfirmCall) => Promise<Draft | null> {
  return batched(async (calls: ConfirmCall[]) => {
    const outcomes = await db.transaction(async (tx) => {
      const limited = calls.some((c) => c.withinLimits);
      const counted = limited ? await countFor(tx, calls) : new Map<string, Counted>();
      const outcomes: Array<Settled<Draft | null> | 'go'> = [];
      const taken = new Set<string>();
      const added = new Map<string, number>();
      const bump = (key: string) => added.set(key, (added.get(key) ?? 0) + 1);
      for (const call of calls) {
        // A second click on the same draft in the same round loses, as it would a round later.
        if (taken.has(call.id)) {
          outcomes.push(settled.value(null));
          continue;
        }
        const row = counted.get(call.id);
        if (call.withinLimits && row) {
          try {
            call.withinLimits({
              senderLastHour: row.counts.senderLastHour + (added.get(row.sender) ?? 0),
              recipientLastDay: row.counts.recipientLastDay + (added.get(row.recipient) ?? 0),
              globalLastMinute: row.counts.globalLastMinute + (added.get(GLOBAL_KEY) ?? 0),
            });
          } catch (refusal) {
            outcomes.push(settled.error(refusal));
            continue;
          }
          bump(row.sender);
          bump(row.recipient);
          bump(GLOBAL_KEY);
        }
        taken.add(call.id);
        outcomes.push('go');
      }
      const going = calls.filter((_, i) => outcomes[i] === 'go');
      const confirmed = going.length > 0 ? await decideAndQueue(tx, key, going) : new Map<string, Draft>();
      return outcomes.map((o, i) => (o === 'go' ? settled.value(confirmed.get(calls[i]!.id) ?? null) : o));
    });
    if (outcomes.some((o) => o.ok && o.value)) sealer.nudge();
    return outcomes;
  });
}

/** Rate counts per decidable draft among `calls`, with its sender and recipient keys, under the keys' locks. */
async function countFor(tx: AppTx, calls: ConfirmCall[]): Promise<Map<string, Counted>> {
  const now = calls.reduce((latest, c) => (c.now > latest ? c.now : latest), calls[0]!.now);
  const subjects = await lockRateKeys(tx, [...new Set(calls.map((c) => c.id))], now);
  // A statement of its own, after the locks: its snapshot includes every confirm committed before we got them.
  const ids = [...subjects.keys()];
  const counts = await countRates(prepareRateCounts(tx), [...subjects.values()], now);
  return new Map(
    ids.map((id, i) => {
      const subject = subjects.get(id)!;
      return [id, { id, sender: senderKey(subject), recipient: recipientKey(subject), counts: counts[i]! }];
    }),
  );
}

/**
 * One statement for the round: each draft still pending at the version its
 * approver saw → confirmed (by whom, when), its outbox job (due at once, no
 * attempt yet; due at its send_at when that is later) and its audit event — written only for the drafts the UPDATE
 * matched.
 */
async function decideAndQueue(tx: AppTx, key: AuditKey, calls: ConfirmCall[]): Promise<Map<string, Draft>> {
  const values = calls.map((c) => ({
    id: c.id, version: c.version, by_platform: c.by.platform, by_user_id: c.by.userId, by_name: c.by.name ?? null,
    ...auditJsonFields(key, { ...c.audit, draftId: c.audit.draftId ?? c.id }, c.now),
  }));
  const { rows } = await tx.execute(sql`
    with v as (
      select * from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(
        id text, version integer, by_platform text, by_user_id text, by_name text, ${AUDIT_JSON_COLUMNS})
    ),
    d as (
      -- A send_at still ahead waits in the outbox as 'scheduled' (the job is due then); otherwise at once.
      update drafts set status = case when drafts.send_at > v.at then 'scheduled' else 'confirmed' end, decided_by_platform = v.by_platform, decided_by_user_id = v.by_user_id,
        decided_by_name = v.by_name, decided_at = v.at, updated_at = v.at
      from v where drafts.id = v.id and drafts.status = 'pending' and drafts.version = v.version and drafts.expires_at > v.at
      returning drafts.*
    ),
    j as (insert into deliveries (draft_id, attempts, next_attempt_at, created_at)
      select d.id, 0, greatest(d.send_at, d.decided_at), d.decided_at from d),
    a as (${auditForChanged(sql`v`, sql`d`)})
    select * from d`);
  return new Map(rows.map((row) => [String(row.id), draftFromSql(row)]));
}
