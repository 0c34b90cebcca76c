/**
 * Rate-limit counts: the one implementation, used by the early check when
 * drafting (DraftStore.rateCounts) and by the confirm round (draft-confirm.ts).
 *
 * Each count is an indexed range over the drafts that count (confirmed,
 * sending, sent), per key and window: the sender's last hour, the recipient's
 * last day, everyone's last minute, on partial indexes that hold only counted
 * rows (schema.ts). A range never holds more rows than its limit allows —
 * confirms beyond a limit are refused — so a count's cost is bounded by the
 * policy, not by how much history the table keeps. The former count joined
 * every draft decided in the last day against each confirmed draft (128 ms
 * for a round of 20 on a day of 10k+ drafts, 165k rows joined); this one reads
 * at most the limits' worth of index entries (see the README's benchmark).
 *
 * Why not counters (a row per key and time bucket, bumped by the confirm)?
 * Their reads are O(1) too, but they would change what is counted: a bucket
 * window over-counts up to one bucket, a send that fails later (not counted
 * today) would need a decrement in the delivery path, and every confirm would
 * write three more rows, one of them (the global key) a hot row all replicas
 * update. The indexed count keeps the exact sliding windows and writes nothing.
 *
 * Concurrency (confirm only): `lockRateKeys` takes a transaction-level
 * advisory lock per key the round touches — each draft's sender and
 * recipient, and the global key — in sorted order, so rounds on different
 * replicas wait only for rounds that share a key, and never deadlock. The
 * count runs as the next statement, so its snapshot includes every confirm
 * committed by a round that held one of those locks. Note that the global
 * per-minute limit is a key every round shares: rounds still take turns on
 * it, each for the few milliseconds its count and decide take.
 */
import { sql } from 'drizzle-orm';
import { RATE_WINDOWS_MS, type RateCounts } from '../../core/policy.js';
import type { AppDb, AppTx } from './client.js';
import { COUNTED_STATUSES, statusIn } from './schema.js';

/** Namespace (first key) of the two-key advisory locks on rate-limit keys; the second is hashtext(key). */
const RATE_LOCK_SPACE = 726_510_803;

/** Whose counts: the sender (the draft's requester) and the recipient. */
export interface RateSubject {
  platform: string;
  userId: string;
  channel: string;
  to: string;
}

/** Prepared (it runs for every message and every confirm round), on `db` or on a transaction. */
export function prepareRateCounts(q: AppDb | AppTx) {
  const p = (name: string) => sql`${sql.placeholder(name)}::timestamptz`;
  const counted = statusIn(COUNTED_STATUSES, 'x.status');
  return q
    .select({
      i: sql<number>`s.i`.mapWith(Number),
      senderLastHour: sql<number>`(select count(*) from drafts x where x.requester_platform = s.platform and x.requester_user_id = s.user_id
        and ${counted} and x.decided_at > ${p('hourAgo')})`.mapWith(Number),
      recipientLastDay: sql<number>`(select count(*) from drafts x where x.channel = s.channel and x.recipient = s.recipient
        and ${counted} and x.decided_at > ${p('dayAgo')})`.mapWith(Number),
      // Not correlated: computed once per statement, however many subjects.
      globalLastMinute: sql<number>`(select count(*) from drafts x where ${counted} and x.decided_at > ${p('minuteAgo')})`.mapWith(Number),
    })
    .from(sql`jsonb_to_recordset(${sql.placeholder('subjects')}::jsonb) as s(i int, platform text, user_id text, channel text, recipient text)`)
    .prepare('relaybot_rate_counts');
}

export type RateCountQuery = ReturnType<typeof prepareRateCounts>;

/** Counts in the windows ending at `now`, one per subject, in order. */
export async function countRates(query: RateCountQuery, subjects: RateSubject[], now: Date): Promise<RateCounts[]> {
  if (subjects.length === 0) return [];
  const since = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const rows = await query.execute({
    subjects: JSON.stringify(subjects.map((s, i) => ({ i, platform: s.platform, user_id: s.userId, channel: s.channel, recipient: s.to }))),
    hourAgo: since(RATE_WINDOWS_MS.senderLastHour),
    dayAgo: since(RATE_WINDOWS_MS.recipientLastDay),
    minuteAgo: since(RATE_WINDOWS_MS.globalLastMinute),
  });
  const counts = new Array<RateCounts>(subjects.length);
  for (const { i, ...row } of rows) counts[i] = row;
  return counts;
}

/** Lock keys of a subject (also how a round tallies its own confirms). */
export const senderKey = (s: RateSubject) => `sender:${s.platform}:${s.userId}`;
export const recipientKey = (s: RateSubject) => `recipient:${s.channel}:${s.to}`;
export const GLOBAL_KEY = '*';

/**
 * Lock the still-decidable drafts among `ids` (FOR UPDATE, in id order: their
 * sender and recipient cannot change under the round), then the advisory lock
 * of every key they touch plus the global key, in hash order. Returns the
 * drafts' subjects by id. Held until the transaction ends.
 */
export async function lockRateKeys(tx: AppTx, ids: string[], now: Date): Promise<Map<string, RateSubject>> {
  const { rows } = await tx.execute<{ id: string; platform: string; user_id: string; channel: string; recipient: string; locks: number }>(sql`
    with d as materialized (
      select id, requester_platform as platform, requester_user_id as user_id, channel, recipient from drafts
      where id = any(array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))) and status = 'pending' and expires_at > ${now.toISOString()}::timestamptz
      order by id
      for update
    ),
    -- The sort consumes every row of d (so every row lock is held) before the first advisory lock.
    k as (
      select count(pg_advisory_xact_lock(${RATE_LOCK_SPACE}, h)) as locks
      from (select distinct hashtext(key) as h from (
        select 'sender:' || platform || ':' || user_id as key from d
        union all select 'recipient:' || channel || ':' || recipient from d
        union all select ${GLOBAL_KEY}) keys order by h) sorted
    )
    select d.*, k.locks from k left join d on true`);
  return new Map(rows.filter((r) => r.id !== null).map((r) => [r.id, { platform: r.platform, userId: r.user_id, channel: r.channel, to: r.recipient }]));
}
