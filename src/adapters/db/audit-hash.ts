/**
 * The audit log's MACs and hash chain, defined once. `K` is AUDIT_KEY (audit-key.ts).
 *
 *   content  = canonicalJson({ at, actor, action, draftId, details })
 *   mac      = hmac_sha256_hex(K, content)                                   — by the writing process, before the
 *                                                                               event reaches the database
 *   hash     = hmac_sha256_hex(K, prev_hash + canonicalJson({ seq, at, actor, action, draftId, details, mac }))
 *   checkpoint mac = hmac_sha256_hex(K, canonicalJson({ seq, hash, at }))    — a signed head (`at`: when it was taken)
 *
 * Entries chained before the log was keyed ("legacy, unkeyed") have mac null and
 *
 *   hash     = sha256_hex(prev_hash + canonicalJson({ seq, at, actor, action, draftId, details }))
 *
 * - `seq` a number, `at` an ISO-8601 string with milliseconds (Date#toISOString),
 * - `actor` null (relaybot itself) or { platform, userId, name } with name null when unknown,
 * - `draftId` a string or null, `details` the redacted plain-JSON object as stored,
 * - canonicalJson: JSON with object keys sorted recursively, no whitespace;
 *   array order kept. The first entry's prev_hash is 64 zeros (GENESIS_HASH).
 *
 * The three keyed inputs cannot be confused with one another: a chain input starts with
 * 64 hex digits, and the two objects have different key sets (canonicalJson keeps nulls).
 * Without K nobody can compute a mac or a keyed hash, so an event inserted by SQL, or a
 * chain recomputed after an edit or a deletion, fails verification.
 *
 * Changing any of this invalidates every existing chain, so don't.
 */
import { createHash } from 'node:crypto';
import type { AuditEntry } from '../../core/ports.js';
import type { AuditKey } from './audit-key.js';

export const GENESIS_HASH = '0'.repeat(64);

/** What an event's mac covers: everything it records. */
export type AuditContent = Pick<AuditEntry, 'at' | 'actor' | 'action' | 'draftId' | 'details'>;
/** The fields of an audit entry that its hash covers (plus `mac` on keyed entries). */
export type HashedEntry = AuditContent & Pick<AuditEntry, 'seq'>;

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function contentFields(entry: AuditContent) {
  return {
    at: entry.at.toISOString(),
    actor: entry.actor ? { platform: entry.actor.platform, userId: entry.actor.userId, name: entry.actor.name ?? null } : null,
    action: entry.action,
    draftId: entry.draftId,
    details: entry.details,
  };
}

/** The writer's MAC over one event. */
export function eventMac(key: AuditKey, entry: AuditContent): string {
  return key.hmac(canonicalJson(contentFields(entry)));
}

/** A keyed link: only a holder of the key can compute it. */
export function keyedEntryHash(key: AuditKey, prevHash: string, entry: HashedEntry & { mac: string }): string {
  return key.hmac(prevHash + canonicalJson({ seq: entry.seq, ...contentFields(entry), mac: entry.mac }));
}

/** A link written before the log was keyed (anyone can recompute it, so it proves nothing against the database's owner). */
export function legacyEntryHash(prevHash: string, entry: HashedEntry): string {
  const body = canonicalJson({ seq: entry.seq, ...contentFields(entry) });
  return createHash('sha256').update(prevHash + body).digest('hex');
}

/** The mac of a checkpoint: the chain's head `seq`/`hash`, taken at `at` (ISO-8601). */
export function checkpointMac(key: AuditKey, head: { seq: number; hash: string; at: string }): string {
  return key.hmac(canonicalJson({ seq: head.seq, hash: head.hash, at: head.at }));
}
