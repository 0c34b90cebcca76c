/** Audit rows as the port's entries, and the one shape of an actor the log keeps. */
import type { AuditEntry } from '../../core/ports.js';
import type { Actor, Platform } from '../../core/send-request.js';
import type { AuditEventRow } from './schema.js';

/** A chained row as the port's entry. */
export function toAuditEntry(row: AuditEventRow): AuditEntry {
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
export function normaliseActor(actor: Actor): Actor {
  return actor.name == null ? { platform: actor.platform, userId: actor.userId } : { platform: actor.platform, userId: actor.userId, name: actor.name };
}
