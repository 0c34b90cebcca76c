/**
 * The relaybot database schema (Postgres, also run on PGlite). drizzle-kit
 * generates the migrations in ./migrations from this file: `npm run db:generate`.
 *
 * Ids are `text`, not `uuid`: a tampered button payload or URL must read as
 * "no such draft", not as a database type error.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { PartialSendRequest, Turn } from '../../core/interpretation.js';
import type { ConversationRef } from '../../core/send-request.js';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Statuses whose drafts count against rate limits: the message was (or is being) sent. */
export const COUNTED_STATUSES = ['confirmed', 'sending', 'sent'] as const;
/** Final statuses: nothing more happens to these drafts; retention purges them. */
export const FINAL_STATUSES = ['sent', 'failed', 'cancelled', 'expired'] as const;
/** `status in (…)` as literals (a partial index is used only when its predicate is provable from constants). */
export const statusIn = (statuses: readonly string[], column = 'status') => sql.raw(`${column} in (${statuses.map((s) => `'${s}'`).join(', ')})`);
/**
 * A row limit as a literal, not a parameter: a prepared statement's generic plan
 * cannot see a parameter's value, guesses a large limit, and may read a whole table.
 */
export const limitLiteral = (n: number) => sql.raw(String(Math.max(1, Math.trunc(n))));
const COUNTED = statusIn(COUNTED_STATUSES);
const FINAL = statusIn(FINAL_STATUSES);

export const drafts = pgTable(
  'drafts',
  {
    id: text('id').primaryKey(),
    // 1 at creation, +1 per edit (in the edit's own conditional UPDATE); every decision names it.
    version: integer('version').notNull().default(1),
    status: text('status').notNull(),
    channel: text('channel').notNull(),
    recipient: text('recipient').notNull(),
    text: text('text').notNull(),
    subject: text('subject'),
    requesterPlatform: text('requester_platform').notNull(),
    requesterUserId: text('requester_user_id').notNull(),
    requesterName: text('requester_name'),
    conversation: jsonb('conversation').$type<ConversationRef>().notNull(),
    cardRef: text('card_ref'),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    decidedByPlatform: text('decided_by_platform'),
    decidedByUserId: text('decided_by_user_id'),
    decidedByName: text('decided_by_name'),
    decidedAt: at('decided_at'),
    dryRun: boolean('dry_run').notNull().default(false),
    relayMessageId: text('relay_message_id'),
    failureReason: text('failure_reason'),
    // Mirrors deliveries.attempts (updated in the same transaction) so a draft reads as one row.
    attempts: integer('attempts').notNull().default(0),
    // W3C traceparent of the request that drafted it, so decisions and deliveries (any replica, after a restart) link to that trace.
    traceparent: text('traceparent'),
    // When the relay call is due (the outbox job's next_attempt_at once approved); null = when approved.
    sendAt: at('send_at'),
    timeZone: text('time_zone').notNull().default('UTC'),
    heldForQuietHours: boolean('held_for_quiet_hours').notNull().default(false),
    // Why an agent asked for this send (its own words); null for people's drafts.
    reason: text('reason'),
  },
  (t) => [
    check(
      'drafts_status_check',
      sql`${t.status} in ('pending', 'confirmed', 'scheduled', 'sending', 'sent', 'failed', 'cancelled', 'expired')`,
    ),
    index('drafts_requester_created_idx').on(t.requesterPlatform, t.requesterUserId, t.createdAt),
    index('drafts_status_expires_idx').on(t.status, t.expiresAt),
    // Rate-limit windows count sends by decision time, per sender, per recipient and overall
    // (rate-counts.ts). Partial: only counted rows, so each count reads at most its limit's worth
    // of index entries, whatever the history holds. The predicate is written out literally —
    // the statements that use these indexes repeat it as literals, never as parameters.
    index('drafts_sender_counted_idx').on(t.requesterPlatform, t.requesterUserId, t.decidedAt).where(COUNTED),
    index('drafts_recipient_counted_idx').on(t.channel, t.recipient, t.decidedAt).where(COUNTED),
    index('drafts_counted_idx').on(t.decidedAt).where(COUNTED),
    // Retention (purgeDecided): final drafts, oldest first.
    index('drafts_final_updated_idx').on(t.updatedAt).where(FINAL),
    // The pending cap counts a requester's open drafts at every message: only pending rows are indexed, so the cost stays flat as history grows.
    index('drafts_pending_requester_idx').on(t.requesterPlatform, t.requesterUserId, t.expiresAt).where(sql`${t.status} = 'pending'`),
  ],
);
export type DraftRow = typeof drafts.$inferSelect;
export type NewDraftRow = typeof drafts.$inferInsert;

/**
 * The outbox: one row per confirmed draft still to deliver, claimed by workers with FOR UPDATE
 * SKIP LOCKED. A row is deleted when its delivery finishes (sent or failed: the draft row keeps
 * the outcome and the attempts), so the table holds only work in flight. `done` marks only a job
 * closed because its draft was no longer deliverable (an anomaly kept for inspection).
 */
export const deliveries = pgTable(
  'deliveries',
  {
    draftId: text('draft_id')
      .primaryKey()
      .references(() => drafts.id),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: at('next_attempt_at').notNull(),
    // Set while a worker holds the job; a lease in the past means that worker died.
    leaseUntil: at('lease_until'),
    lastError: text('last_error'),
    done: boolean('done').notNull().default(false),
    createdAt: at('created_at').notNull(),
  },
  (t) => [index('deliveries_due_idx').on(t.nextAttemptAt).where(sql`not ${t.done}`)],
);
export type DeliveryRow = typeof deliveries.$inferSelect;
export type NewDeliveryRow = typeof deliveries.$inferInsert;

/** What an audit event records, pending or chained: who, when, what, which draft, details. */
const auditEventColumns = () => ({
  at: at('at').notNull(),
  actorPlatform: text('actor_platform'),
  actorUserId: text('actor_user_id'),
  actorName: text('actor_name'),
  action: text('action').notNull(),
  draftId: text('draft_id'),
  details: jsonb('details').$type<Record<string, unknown>>().notNull(),
  // HMAC of the fields above, by the process that wrote the event (audit-hash.ts). Null only
  // on entries chained before the log was keyed ("legacy, unkeyed").
  mac: text('mac'),
});

/**
 * Append-only, hash-chained audit log. A trigger (migration
 * `audit_append_only`) refuses UPDATE, DELETE and TRUNCATE. Rows arrive here
 * only through the sealer (audit-sealer.ts), which moves committed
 * `audit_pending` rows over in batches under an advisory lock and assigns
 * `seq` as last + 1, so the chain has no gaps; the identity is only a fallback.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    ...auditEventColumns(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_events_draft_idx').on(t.draftId),
    index('audit_events_actor_idx').on(t.actorPlatform, t.actorUserId),
    index('audit_events_at_idx').on(t.at),
  ],
);
export type AuditEventRow = typeof auditEvents.$inferSelect;
export type NewAuditEventRow = typeof auditEvents.$inferInsert;

/**
 * Audit events committed with the change they describe (same transaction,
 * usually the same statement) but not yet linked into the chain. Appending
 * here takes no lock, so writers never queue behind one another; the sealer
 * chains them within milliseconds. A trigger refuses UPDATE and TRUNCATE;
 * DELETE is how the sealer hands a row over to `audit_events`.
 */
export const auditPending = pgTable('audit_pending', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  ...auditEventColumns(),
});

/** Contact books. `nameKey` is the lower-cased name (matching is case-insensitive); `name` is as typed. */
export const contacts = pgTable(
  'contacts',
  {
    scope: text('scope').notNull(),
    nameKey: text('name_key').notNull(),
    name: text('name').notNull(),
    channel: text('channel').notNull(),
    address: text('address').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'contacts_pkey', columns: [t.scope, t.nameKey, t.channel] }),
    index('contacts_address_idx').on(t.channel, t.address),
  ],
);
export type ContactRow = typeof contacts.$inferSelect;
export type NewContactRow = typeof contacts.$inferInsert;

/** Multi-turn conversation state; `updatedAt` lives in its own column, the rest in `state`. */
export const conversations = pgTable(
  'conversations',
  {
    key: text('key').primaryKey(),
    state: jsonb('state').$type<{ pending: PartialSendRequest | null; history: Turn[] }>().notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  // Housekeeping purges the oldest in batches.
  (t) => [index('conversations_updated_idx').on(t.updatedAt)],
);
export type ConversationRow = typeof conversations.$inferSelect;
export type NewConversationRow = typeof conversations.$inferInsert;

/** Inbound events already handled (Slack event ids, Telegram update ids), for dedupe of platform retries. */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    source: text('source').notNull(),
    eventId: text('event_id').notNull(),
    seenAt: at('seen_at').notNull(),
  },
  (t) => [primaryKey({ name: 'inbound_events_pkey', columns: [t.source, t.eventId] }), index('inbound_events_seen_idx').on(t.seenAt)],
);
export type InboundEventRow = typeof inboundEvents.$inferSelect;
export type NewInboundEventRow = typeof inboundEvents.$inferInsert;

/**
 * Addresses that must not be messaged, normalised like recipients (E.164, lower-case email,
 * @username). Checked when drafting and again when a send is claimed.
 */
export const optOuts = pgTable('opt_outs', {
  address: text('address').primaryKey(),
  addedByPlatform: text('added_by_platform'),
  addedByUserId: text('added_by_user_id'),
  createdAt: at('created_at').notNull(),
});
export type OptOutRow = typeof optOuts.$inferSelect;

/**
 * Every card a draft has beyond its requester's own (`drafts.card_ref`): an agent's
 * draft is posted to each `agents.notify` destination, and each card must show the
 * outcome. `ref` is the platform's card reference (`slack|msg:<channel>:<ts>`,
 * `telegram|<chat id>:<message id>`). Deleted with the draft.
 */
export const draftCards = pgTable(
  'draft_cards',
  {
    draftId: text('draft_id')
      .notNull()
      .references(() => drafts.id, { onDelete: 'cascade' }),
    ref: text('ref').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [primaryKey({ name: 'draft_cards_pkey', columns: [t.draftId, t.ref] })],
);
export type DraftCardRow = typeof draftCards.$inferSelect;

/** The web console's chats, per person: `(user_id, id)`, since a chat id is chosen by the browser. */
export const chats = pgTable(
  'chats',
  {
    userId: text('user_id').notNull(),
    id: text('id').notNull(),
    title: text('title').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  // The sidebar lists a person's chats, most recent first.
  (t) => [
    primaryKey({ name: 'chats_pkey', columns: [t.userId, t.id] }),
    index('chats_user_updated_idx').on(t.userId, t.updatedAt),
    // Housekeeping forgets chats unused past the retention period, oldest first.
    index('chats_updated_idx').on(t.updatedAt),
  ],
);
export type ChatRow = typeof chats.$inferSelect;
export type NewChatRow = typeof chats.$inferInsert;

/** What was said in a console chat, in order; an answer that drafted names its draft. */
export const chatMessages = pgTable(
  'chat_messages',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: text('user_id').notNull(),
    chatId: text('chat_id').notNull(),
    role: text('role').notNull(),
    text: text('text').notNull(),
    draftId: text('draft_id'),
    at: at('at').notNull(),
  },
  // A chat's messages in order, and only those after the last one a client has.
  (t) => [index('chat_messages_chat_seq_idx').on(t.userId, t.chatId, t.seq), index('chat_messages_at_idx').on(t.at)],
);
export type ChatMessageRow = typeof chatMessages.$inferSelect;
export type NewChatMessageRow = typeof chatMessages.$inferInsert;
