import { describeAuditEntry, auditWho } from '../../core/audit-story.js';
import type { AuditEntry } from '../../core/ports.js';

const COLUMNS = ['seq', 'at_utc', 'who', 'platform', 'user_id', 'action', 'what_happened', 'draft_id', 'details', 'hash'] as const;

/**
 * One CSV field. Quoted when it holds a comma, quote or line break; a value a
 * spreadsheet would run as a formula (= + - @, tab, carriage return first) is
 * prefixed with an apostrophe so it is shown, never evaluated.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The audit entries as CSV (RFC 4180, CRLF line ends), times in UTC, each row with its plain-language sentence. */
export function auditCsv(entries: AuditEntry[]): string {
  const rows = entries.map((e) =>
    [
      String(e.seq),
      e.at.toISOString(),
      auditWho(e),
      e.actor?.platform ?? '',
      e.actor?.userId ?? '',
      e.action,
      describeAuditEntry(e),
      e.draftId ?? '',
      JSON.stringify(e.details ?? {}),
      e.hash,
    ].map(csvField).join(','),
  );
  return [COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
