/**
 * A day of traffic, seeded with a few set-based SQL statements (seconds, not
 * minutes): decided drafts spread over the 24 h before `now`, from many
 * senders to many recipients, each with the audit events its life wrote.
 * Used by the query-plan test and by the benchmark's history run.
 */
import type { AuditKey } from '../../src/adapters/db/audit-key.js';
import { auditJsonFields } from '../../src/adapters/db/audit-log.js';
import type { Platform } from '../../src/core/send-request.js';

export interface HistoryOptions {
  /** Decided drafts in the last day (mostly sent; some cancelled or failed), plus about 5 % more that expired undecided. */
  drafts: number;
  now: Date;
  /**
   * Where their audit events go: `pending` lets the server's sealer chain them
   * (a valid chain, as real traffic leaves it); `chained` writes them straight
   * into audit_events with placeholder hashes (plans only, never verified).
   */
  audit: 'pending' | 'chained';
  /** With `pending`: the server's AUDIT_KEY, so each event carries the MAC its sealer checks (else it is refused). */
  auditKey?: AuditKey;
  /** Also: final drafts older than `oldDays`, a delivery backlog, conversations and inbound event ids. */
  extras?: { oldDrafts: number; oldDays: number; backlog: number; conversations: number; inboundEvents: number };
}

type Query = (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

/** Signed events go in batches of this many (one JSON parameter each). */
const SIGNED_BATCH = 5_000;

export async function seedHistory(query: Query, options: HistoryOptions): Promise<void> {
  const now = options.now.toISOString();
  const dayMs = 86_400_000;
  // $1 = now, $2 = count, $3 = span (ms) before now, $4 = id prefix.
  const drafts = `
    insert into drafts (id, status, channel, recipient, text, requester_platform, requester_user_id, requester_name, conversation,
      idempotency_key, created_at, updated_at, expires_at, decided_by_platform, decided_by_user_id, decided_at, attempts, relay_message_id, failure_reason)
    select id, status, 'sms', '+1555' || lpad((g % 2000)::text, 7, '0'), 'History message ' || g, 'slack', 'UHIST' || (g % 300), 'Person ' || (g % 300),
      '{"platform":"slack","chatId":"CHIST","workspaceId":"THIST"}'::jsonb, 'relaybot-' || id, t - interval '1 minute', t + interval '1 second',
      t + interval '14 minutes', decided_by, decided_user, decided_at, attempts, relay_id, failure
    from (
      select g, $4 || g as id, t, status,
        case when status = 'expired' then null else 'slack' end as decided_by,
        case when status = 'expired' then null else 'UHIST' || (g % 300) end as decided_user,
        case when status = 'expired' then null else t end as decided_at,
        case when status in ('sent', 'failed') then 1 else 0 end as attempts,
        case when status = 'sent' then 'relay-' || g end as relay_id,
        case when status = 'failed' then 'The relay refused the number.' end as failure
      from (
        select g, $1::timestamptz - ($3::bigint * g / $2) * interval '1 millisecond' as t,
          case when g % 20 = 0 then 'cancelled' when g % 20 = 1 then 'expired' when g % 50 = 2 then 'failed' else 'sent' end as status
        from generate_series(1, $2::int) g
      ) s
    ) d`;
  // Their events: created, then the decision, then (for sends) the claim and the outcome.
  const eventSource = `
    from drafts d cross join lateral (values
      (d.created_at, d.requester_platform, d.requester_user_id, d.requester_name, 'draft.created'),
      (d.updated_at, d.decided_by_platform, d.decided_by_user_id, d.requester_name,
        case d.status when 'cancelled' then 'draft.cancelled' when 'expired' then 'draft.expired' else 'draft.confirmed' end),
      (d.updated_at, null, null, null, case when d.status in ('sent', 'failed') then 'delivery.claimed' end),
      (d.updated_at, null, null, null, case d.status when 'sent' then 'draft.sent' when 'failed' then 'draft.failed' end)
    ) as e(at, actor_platform, actor_user_id, actor_name, action)
    where d.id like $1 and e.action is not null
    order by e.at`;
  const addEvents = async (pattern: string): Promise<void> => {
    if (options.audit === 'chained') {
      await query(`insert into audit_events (at, actor_platform, actor_user_id, actor_name, action, draft_id, details, prev_hash, hash)
        select e.at, e.actor_platform, e.actor_user_id, e.actor_name, e.action, d.id, '{"seeded":true}'::jsonb, 'seed', 'seed' ${eventSource}`, [pattern]);
      return;
    }
    // Pending events are signed as the server signs them (the sealer refuses any other), then inserted in batches.
    const key = options.auditKey;
    if (!key) throw new Error('seedHistory: pending audit events need the server\'s auditKey');
    const { rows } = await query(`select e.at, e.actor_platform, e.actor_user_id, e.actor_name, e.action, d.id as draft_id ${eventSource}`, [pattern]);
    const signed = rows.map((row) => {
      const actor = row.actor_platform === null ? null : { platform: row.actor_platform as Platform, userId: String(row.actor_user_id), name: (row.actor_name as string | null) ?? undefined };
      return auditJsonFields(key, { actor, action: String(row.action), draftId: String(row.draft_id), details: { seeded: true } }, new Date(row.at as string | Date));
    });
    for (let i = 0; i < signed.length; i += SIGNED_BATCH) {
      await query(
        `insert into audit_pending (at, actor_platform, actor_user_id, actor_name, action, draft_id, details, mac)
         select at, actor_platform, actor_user_id, actor_name, action, draft_id, details, mac
         from jsonb_to_recordset($1::jsonb) as r(at timestamptz, actor_platform text, actor_user_id text, actor_name text, action text, draft_id text, details jsonb, mac text)`,
        [JSON.stringify(signed.slice(i, i + SIGNED_BATCH))],
      );
    }
  };
  // One row in 20 expired undecided: seed enough rows that `drafts` of them were decided.
  const rows = Math.ceil((options.drafts * 20) / 19) + 1;
  await query(drafts, [now, rows, dayMs, 'hist-']);
  await addEvents('hist-%');
  const extras = options.extras;
  if (extras) {
    const oldNow = new Date(options.now.getTime() - extras.oldDays * dayMs).toISOString();
    await query(drafts, [oldNow, extras.oldDrafts, dayMs, 'old-']);
    await addEvents('old-%');
    // A backlog: confirmed drafts whose jobs wait out a relay outage (due in an hour).
    await query(drafts, [now, extras.backlog, 3_600_000, 'backlog-']);
    await query(`update drafts set status = 'confirmed', attempts = 0, relay_message_id = null, failure_reason = null,
      decided_by_platform = requester_platform, decided_by_user_id = requester_user_id, decided_at = updated_at where id like 'backlog-%'`);
    await query(`insert into deliveries (draft_id, attempts, next_attempt_at, created_at)
      select id, 0, $1::timestamptz + interval '1 hour', decided_at from drafts where id like 'backlog-%'`, [now]);
    await query(`insert into conversations (key, state, updated_at)
      select 'slack:THIST:CHIST:' || g, '{"pending":null,"history":[]}'::jsonb, $1::timestamptz - g * interval '1 minute'
      from generate_series(1, $2::int) g`, [now, extras.conversations]);
    await query(`insert into inbound_events (source, event_id, seen_at)
      select 'slack', 'EvHIST' || g, $1::timestamptz - g * interval '5 seconds' from generate_series(1, $2::int) g`, [now, extras.inboundEvents]);
  }
  await query('analyze');
}
