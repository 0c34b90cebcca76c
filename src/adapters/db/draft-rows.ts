/** Mapping between the `drafts` table and the core `Draft`. */
import type { Draft, DraftStatus } from '../../core/draft.js';
import type { AuditEventInput } from '../../core/ports.js';
import type { Actor, Channel, Platform } from '../../core/send-request.js';
import { getTableColumns } from 'drizzle-orm';
import { drafts, type DraftRow } from './schema.js';

export function toDraft(row: DraftRow): Draft {
  return {
    id: row.id,
    version: row.version,
    status: row.status as DraftStatus,
    channel: row.channel as Channel,
    to: row.recipient,
    text: row.text,
    subject: row.subject,
    requester: actor(row.requesterPlatform, row.requesterUserId, row.requesterName),
    conversation: row.conversation,
    cardRef: row.cardRef,
    idempotencyKey: row.idempotencyKey,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    decidedBy: row.decidedByPlatform === null ? null : actor(row.decidedByPlatform, row.decidedByUserId ?? '', row.decidedByName),
    decidedAt: row.decidedAt,
    dryRun: row.dryRun,
    relayMessageId: row.relayMessageId,
    failureReason: row.failureReason,
    attempts: row.attempts,
    reason: row.reason,
  };
}

function actor(platform: string, userId: string, name: string | null): Actor {
  return name === null ? { platform: platform as Platform, userId } : { platform: platform as Platform, userId, name };
}

/** Column values recording who decided. */
export function decidedByColumns(by: Actor | null, now: Date) {
  return { decidedByPlatform: by?.platform ?? null, decidedByUserId: by?.userId ?? null, decidedByName: by?.name ?? null, decidedAt: now };
}

const draftColumns = Object.values(getTableColumns(drafts));

/**
 * A `drafts` row as a raw statement returns it (snake_case names, driver
 * values) → the Draft. The hand-written CTE statements return `drafts.*`;
 * each column's own mapper turns the driver's value into the typed one, as
 * the query builder would.
 */
export function draftFromSql(raw: Record<string, unknown>): Draft {
  const row: Record<string, unknown> = {};
  for (const column of draftColumns) {
    const value = raw[column.name];
    row[columnKeys.get(column.name)!] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return toDraft(row as DraftRow);
}

const columnKeys = new Map(Object.entries(getTableColumns(drafts)).map(([key, column]) => [column.name, key]));

/** The audit event, about this draft unless the caller named another. */
export const aboutDraft = (audit: AuditEventInput, draftId: string): AuditEventInput & { draftId: string } => ({ ...audit, draftId: audit.draftId ?? draftId });
