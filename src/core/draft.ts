import { AppError } from './errors.js';
import { actorLabel, type Actor, type Channel, type ConversationRef, type SendRequest } from './send-request.js';

/**
 * Draft life cycle: pending → confirmed → sending → sent | failed, and
 * pending → cancelled | expired. Edits keep a draft pending. A draft with a
 * `sendAt` ahead is `scheduled` once approved, until a worker claims it at
 * that time (→ sending) — or it is cancelled, or fails the policy re-check.
 */
export const DRAFT_STATUSES = ['pending', 'confirmed', 'scheduled', 'sending', 'sent', 'failed', 'cancelled', 'expired'] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

const TRANSITIONS: Record<DraftStatus, readonly DraftStatus[]> = {
  pending: ['confirmed', 'scheduled', 'cancelled', 'expired'],
  confirmed: ['sending', 'failed'],
  scheduled: ['sending', 'failed', 'cancelled'],
  // sending → sending: a crashed attempt is retried by another worker.
  sending: ['sending', 'sent', 'failed'],
  sent: [],
  failed: [],
  cancelled: [],
  expired: [],
};

export function canTransition(from: DraftStatus, to: DraftStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export const isFinal = (status: DraftStatus): boolean => TRANSITIONS[status].length === 0;

export interface Draft extends SendRequest {
  id: string;
  /** 1 at creation, +1 on every edit: a decision names the version it decides, so approval binds to content. */
  version: number;
  status: DraftStatus;
  channel: Channel;
  requester: Actor;
  conversation: ConversationRef;
  /** Where the card lives on the platform (Slack message ts, Telegram message id), once posted. */
  cardRef: string | null;
  /** Sent with every relay attempt for this draft; never changes. */
  idempotencyKey: string;
  createdAt: Date;
  expiresAt: Date;
  decidedBy: Actor | null;
  decidedAt: Date | null;
  /** Set when status is sent: true when the dry-run relay "sent" it. */
  dryRun: boolean;
  /** Relay's message id on success; the reason on failure. */
  relayMessageId: string | null;
  failureReason: string | null;
  attempts: number;
  /** W3C traceparent of the request that drafted it (set only when tracing is on). */
  traceparent?: string;
  /** When the relay call is due; null = as soon as approved. Part of what is approved. */
  sendAt: Date | null;
  /** The zone the requester's times were read in and the card shows `sendAt` in. */
  timeZone: string;
  /** True when quiet hours moved `sendAt` to the end of their window. */
  heldForQuietHours: boolean;
  /** Why the requester (an agent) wants this sent, in its own words; shown on every card and audited. */
  reason?: string | null;
}

/** A pending draft past its expiry can no longer be decided, even before the sweeper marks it. */
export function isDecidable(draft: Pick<Draft, 'status' | 'expiresAt'>, now: Date): boolean {
  return draft.status === 'pending' && draft.expiresAt.getTime() > now.getTime();
}

/** The fields an edit may change. */
export type DraftPatch = Partial<Pick<SendRequest, 'channel' | 'to' | 'text' | 'subject'>> & {
  /** A new schedule (null: send when approved). */
  sendAt?: Date | null;
  heldForQuietHours?: boolean;
};

/**
 * The sentence for a decision made on a version that is no longer the draft's:
 * the person approved (or edited, or cancelled) something other than what is there now.
 */
export function staleVersionMessage(seen: number, current: number): string {
  return `The draft changed since you saw it — check the new version (you saw v${seen}; it is now v${current}).`;
}

/** Why a draft that is no longer decidable cannot be decided: the sentence for the person who tried. */
export function notDecidableError(draft: Pick<Draft, 'status' | 'decidedBy'>): AppError {
  const by = draft.decidedBy ? ` by ${actorLabel(draft.decidedBy)}` : '';
  switch (draft.status) {
    case 'pending':
    case 'expired':
      return new AppError('expired:draft', 'This draft has expired; nothing was sent. Ask again to make a new one.');
    case 'cancelled':
      return new AppError('conflict:draft', `This draft was already cancelled${by}; nothing was sent.`);
    case 'failed':
      return new AppError('conflict:draft', `This draft was already decided${by}, and sending it failed.`);
    case 'scheduled':
      return new AppError('conflict:draft', `This draft was already approved${by} and is scheduled; it can only be cancelled now.`);
    default:
      return new AppError('conflict:draft', `This draft was already approved${by}; it is sent only once.`);
  }
}
