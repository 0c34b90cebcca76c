import type { AuditEntry, AuditVerifyResult } from '../core/ports.js';

/** One audit entry on one line: `#12 2026-11-21T05:01:02.000Z web:alice draft.confirmed draft=… {…}`. */
export function formatAuditEntry(entry: AuditEntry): string {
  const who = entry.actor ? `${entry.actor.platform}:${entry.actor.userId}` : 'relaybot';
  const draft = entry.draftId ? ` draft=${entry.draftId}` : '';
  const details = Object.keys(entry.details).length ? ` ${JSON.stringify(entry.details)}` : '';
  return `#${entry.seq} ${entry.at.toISOString()} ${who} ${entry.action}${draft}${details}`;
}

/** What `audit verify` prints when the chain holds: `audit chain intact: N entries, head <seq> <hash>`. */
export function formatVerified(result: Extract<AuditVerifyResult, { ok: true }>, checkpoints: number): string {
  const legacy = result.legacy > 0 ? ` (${result.legacy} of them legacy, unkeyed)` : '';
  const lines = [`audit chain intact: ${result.count} entries, head ${result.head.seq} ${result.head.hash}${legacy}`];
  if (checkpoints > 0) lines.push(`${checkpoints} checkpoint${checkpoints === 1 ? '' : 's'} verified: each signed head is still in the chain`);
  return lines.join('\n');
}
