import type { AuditEntry } from '../core/ports.js';

/** One audit entry on one line: `#12 2026-11-21T05:01:02.000Z web:alice draft.confirmed draft=… {…}`. */
export function formatAuditEntry(entry: AuditEntry): string {
  const who = entry.actor ? `${entry.actor.platform}:${entry.actor.userId}` : 'relaybot';
  const draft = entry.draftId ? ` draft=${entry.draftId}` : '';
  const details = Object.keys(entry.details).length ? ` ${JSON.stringify(entry.details)}` : '';
  return `#${entry.seq} ${entry.at.toISOString()} ${who} ${entry.action}${draft}${details}`;
}
