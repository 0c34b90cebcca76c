/**
 * The audit hash chain, defined once:
 *
 *   hash = sha256_hex(prev_hash + canonicalJson({ seq, at, actor, action, draftId, details }))
 *
 * - `seq` a number, `at` an ISO-8601 string with milliseconds (Date#toISOString),
 * - `actor` null (relaybot itself) or { platform, userId, name } with name null when unknown,
 * - `draftId` a string or null, `details` the redacted plain-JSON object as stored,
 * - canonicalJson: JSON with object keys sorted recursively, no whitespace;
 *   array order kept. The first entry's prev_hash is 64 zeros (GENESIS_HASH).
 *
 * Changing any of this invalidates every existing chain, so don't.
 */
import { createHash } from 'node:crypto';
import type { AuditEntry } from '../../core/ports.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit entry that its hash covers. */
export type HashedEntry = Pick<AuditEntry, 'seq' | 'at' | 'actor' | 'action' | 'draftId' | 'details'>;

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

export function entryHash(prevHash: string, entry: HashedEntry): string {
  const body = canonicalJson({
    seq: entry.seq,
    at: entry.at.toISOString(),
    actor: entry.actor ? { platform: entry.actor.platform, userId: entry.actor.userId, name: entry.actor.name ?? null } : null,
    action: entry.action,
    draftId: entry.draftId,
    details: entry.details,
  });
  return createHash('sha256').update(prevHash + body).digest('hex');
}
