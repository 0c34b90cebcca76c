/**
 * Audit entries in plain words ("Alice approved v2", "relay accepted, attempt 2"),
 * for the console's timeline and the CSV export. The entry itself stays the
 * record; this is only how a person reads it.
 */
import type { AuditEntry } from './ports.js';
import { actorLabel } from './send-request.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const version = (v: unknown): string => (num(v) !== undefined ? ` v${num(v)}` : '');

/** Who did it, as a person reads it: their name, or "relaybot" for the system's own steps. */
export function auditWho(entry: Pick<AuditEntry, 'actor'>): string {
  return entry.actor ? actorLabel(entry.actor) : 'relaybot';
}

/** One sentence for one audit entry. Unknown actions fall back to their name, never to nothing. */
export function describeAuditEntry(entry: Pick<AuditEntry, 'actor' | 'action' | 'details'>): string {
  const who = auditWho(entry);
  const d = entry.details ?? {};
  const attempt = num(d.attempt) !== undefined ? `, attempt ${num(d.attempt)}` : '';
  switch (entry.action) {
    case 'draft.created': {
      const request = d.request as { channel?: unknown; to?: unknown } | undefined;
      const to = str(request?.to) ? ` to ${str(request?.to)}` : '';
      return `${who} asked for a draft${to}`;
    }
    case 'draft.edited': {
      const v = d.version as { from?: unknown; to?: unknown } | undefined;
      return `${who} edited the draft${num(v?.from) !== undefined ? ` (v${num(v?.from)} → v${num(v?.to)})` : ''}`;
    }
    case 'draft.confirmed':
      return `${who} approved${version(d.version)}`;
    case 'draft.cancelled':
      return entry.actor ? `${who} cancelled${version(d.version)}` : `relaybot withdrew the draft${str(d.reason) ? ` (${str(d.reason)?.replace(/_/g, ' ')})` : ''}`;
    case 'draft.expired':
      return 'The draft expired unapproved';
    case 'decision.refused':
      return `${who} was refused (${str(d.attempted) ?? 'decision'}): ${str(d.reason) ?? 'not allowed'}`;
    case 'request.refused':
      return `${who}'s request was refused: ${str(d.reason) ?? str(d.code) ?? 'not allowed'}`;
    case 'delivery.claimed':
      return `Delivery started${attempt}`;
    case 'delivery.sent':
      return d.dryRun === true ? `Dry run recorded — nothing was sent${attempt}` : `Relay accepted${attempt}`;
    case 'delivery.retry':
      return `Relay did not answer in time or refused for now${attempt}; trying again`;
    case 'delivery.failed':
      return `Delivery failed${attempt}: ${str(d.error) ?? 'the relay did not accept it'}`;
    case 'delivery.released':
      return 'Delivery handed back after a stop, to be retried';
    default:
      return `${who}: ${entry.action}`;
  }
}
