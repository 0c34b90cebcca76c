import { AppError } from './errors.js';
import { actorLabel, type Actor, type Channel, type ConversationRef, type SendRequest } from './send-request.js';

/**
 * Draft life cycle: pending → confirmed → sending → sent | failed, and
 * pending → cancelled | expired. Edits keep a draft pending.
 */
export const DRAFT_STATUSES = ['pending', 'confirmed', 'sending', 'sent', 'failed', 'cancelled', 'expired'] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

const TRANSITIONS: Record<DraftStatus, readonly DraftStatus[]> = {
  pending: ['confirmed', 'cancelled', 'expired'],
  confirmed: ['sending', 'failed'],
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
  /** Why the requester (an agent) wants this sent, in its own words; shown on every card and audited. */
  reason?: string | null;
}

/** A pending draft past its expiry can no longer be decided, even before the sweeper marks it. */
export function isDecidable(draft: Pick<Draft, 'status' | 'expiresAt'>, now: Date): boolean {
  return draft.status === 'pending' && draft.expiresAt.getTime() > now.getTime();
}

/** The fields an edit may change. */
export type DraftPatch = Partial<Pick<SendRequest, 'channel' | 'to' | 'text' | 'subject'>>;

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
    default:
      return new AppError('conflict:draft', `This draft was already approved${by}; it is sent only once.`);
  }
}
