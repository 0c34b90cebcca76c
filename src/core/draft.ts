import type { Actor, Channel, ConversationRef, SendRequest } from './send-request.js';

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
}

/** A pending draft past its expiry can no longer be decided, even before the sweeper marks it. */
export function isDecidable(draft: Pick<Draft, 'status' | 'expiresAt'>, now: Date): boolean {
  return draft.status === 'pending' && draft.expiresAt.getTime() > now.getTime();
}

/** The fields an edit may change. */
export type DraftPatch = Partial<Pick<SendRequest, 'channel' | 'to' | 'text' | 'subject'>>;
