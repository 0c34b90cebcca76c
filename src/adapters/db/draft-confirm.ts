/**
 * Confirming drafts, grouped: every confirm that arrives while the database
 * is busy joins one transaction — one rate-limit lock, one count, one
 * statement that decides the drafts, queues their outbox jobs and records
 * their audit events. The guarantees are those of a single confirm:
 *
 * - each draft is decided by one conditional UPDATE (`status = 'pending' and
 *   expires_at > now`), so of two clicks — in one round, or on two replicas —
 *   exactly one gets the row;
 * - limits are counted under an advisory lock held to commit, so replicas
 *   cannot overshoot them together, and confirms earlier in the same round
 *   count against later ones.
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

export interface ConfirmCall {
  id: string;
  by: Actor;
  now: Date;
  audit: AuditEventInput;
  /** Throws (the refusal) when the counts leave no room; absent = no limits. */
  withinLimits?: (counts: RateCounts) => void;
}

/** Advisory lock that serialises rate-limited confirms across processes (the audit sealer uses …002). */
const RATE_LOCK_KEY = 7_265_108_003;
/** Statuses that count against rate limits: the message was (or is being) sent. */
export const COUNTED_STATUSES = ['confirmed', 'sending', 'sent'];
/** The rate-limit windows, ms. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

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
      if (limited) await tx.execute(sql`select pg_advisory_xact_lock(${RATE_LOCK_KEY}::bigint)`);
      // A statement of its own, after the lock: its snapshot includes every confirm committed before we got the lock.
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
              globalLastMinute: row.counts.globalLastMinute + (added.get('*') ?? 0),
            });
          } catch (refusal) {
            outcomes.push(settled.error(refusal));
            continue;
          }
          bump(row.sender);
          bump(row.recipient);
          bump('*');
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

/** Rate counts per decidable draft among `calls`, with its sender and recipient keys. */
async function countFor(tx: AppTx, calls: ConfirmCall[]): Promise<Map<string, Counted>> {
  const now = calls.reduce((latest, c) => (c.now > latest ? c.now : latest), calls[0]!.now);
  const since = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const ids = JSON.stringify([...new Set(calls.map((c) => c.id))]);
  const { rows } = await tx.execute<Record<string, string | number>>(sql`
    select d.id, d.requester_platform, d.requester_user_id, d.channel, d.recipient,
           count(x.id) filter (where x.requester_platform = d.requester_platform and x.requester_user_id = d.requester_user_id and x.decided_at > ${since(HOUR)}::timestamptz) as sender_last_hour,
           count(x.id) filter (where x.channel = d.channel and x.recipient = d.recipient) as recipient_last_day,
           count(x.id) filter (where x.decided_at > ${since(MINUTE)}::timestamptz) as global_last_minute
    from drafts d
    left join drafts x on x.status in (${sql.join(COUNTED_STATUSES.map((s) => sql`${s}`), sql`, `)}) and x.decided_at > ${since(DAY)}::timestamptz
    where d.id in (select jsonb_array_elements_text(${ids}::jsonb)) and d.status = 'pending' and d.expires_at > ${now.toISOString()}::timestamptz
    group by d.id`);
  return new Map(
    rows.map((r) => [
      String(r.id),
      {
        id: String(r.id),
        sender: `sender:${r.requester_platform}:${r.requester_user_id}`,
        recipient: `recipient:${r.channel}:${r.recipient}`,
        counts: { senderLastHour: Number(r.sender_last_hour), recipientLastDay: Number(r.recipient_last_day), globalLastMinute: Number(r.global_last_minute) },
      },
    ]),
  );
}

/**
 * One statement for the round: each still-pending draft → confirmed (by whom,
 * when), its outbox job (due at once, no attempt yet) and its audit event —
 * written only for the drafts the UPDATE matched.
 */
async function decideAndQueue(tx: AppTx, key: AuditKey, calls: ConfirmCall[]): Promise<Map<string, Draft>> {
  const values = calls.map((c) => ({
    id: c.id, by_platform: c.by.platform, by_user_id: c.by.userId, by_name: c.by.name ?? null,
    ...auditJsonFields(key, { ...c.audit, draftId: c.audit.draftId ?? c.id }, c.now),
  }));
  const { rows } = await tx.execute(sql`
    with v as (
      select * from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(
        id text, by_platform text, by_user_id text, by_name text, ${AUDIT_JSON_COLUMNS})
    ),
    d as (
      update drafts set status = 'confirmed', decided_by_platform = v.by_platform, decided_by_user_id = v.by_user_id,
        decided_by_name = v.by_name, decided_at = v.at, updated_at = v.at
      from v where drafts.id = v.id and drafts.status = 'pending' and drafts.expires_at > v.at
      returning drafts.*
    ),
    j as (insert into deliveries (draft_id, attempts, next_attempt_at, created_at) select d.id, 0, d.decided_at, d.decided_at from d),
    a as (${auditForChanged(sql`v`, sql`d`)})
    select * from d`);
  return new Map(rows.map((row) => [String(row.id), draftFromSql(row)]));
}
