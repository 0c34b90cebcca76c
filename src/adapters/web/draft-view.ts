import { buildCard, type Card } from '../../core/card.js';
import type { Draft, DraftStatus } from '../../core/draft.js';
import type { Actor, Channel } from '../../core/send-request.js';

/** The `data` of a `data-draft` stream part: what a chat client needs to show a draft. */
export interface DraftData {
  id: string;
  /** The version shown; a client names it when it decides, so it approves exactly this content. */
  version: number;
  /** As of now: a pending draft past its expiry reads `expired` even before the sweeper marks it. */
  status: DraftStatus;
  channel: Channel;
  to: string;
  text: string;
  subject: string | null;
  /** ISO 8601. */
  expiresAt: string;
  /** ISO 8601; only when the draft is scheduled for a time. */
  sendAt?: string;
}

/** What `GET /api/drafts/:id` and the decision routes answer. */
export interface DraftView extends DraftData {
  requester: Actor;
  decidedBy: Actor | null;
  decidedAt: string | null;
  createdAt: string;
  failureReason: string | null;
  dryRun: boolean;
  /** The platform-neutral card, the same one Slack and Telegram render. */
  card: Omit<Card, 'expiresAt'> & { expiresAt: string };
}

export function draftData(draft: Draft, now: Date): DraftData {
  const card = buildCard(draft, now);
  return {
    id: draft.id,
    version: draft.version,
    status: card.status,
    channel: draft.channel,
    to: draft.to,
    text: draft.text,
    subject: draft.subject,
    expiresAt: draft.expiresAt.toISOString(),
    ...(draft.sendAt && { sendAt: draft.sendAt.toISOString() }),
  };
}

/** `card`: the draft's card as the app drew it (`bot.cardFor`: with what the recipient gets); default, the bare card. */
export function draftView(draft: Draft, now: Date, card: Card = buildCard(draft, now)): DraftView {
  return {
    ...draftData(draft, now),
    requester: draft.requester,
    decidedBy: draft.decidedBy,
    decidedAt: draft.decidedAt?.toISOString() ?? null,
    createdAt: draft.createdAt.toISOString(),
    failureReason: draft.failureReason,
    dryRun: draft.dryRun,
    card: { ...card, expiresAt: card.expiresAt.toISOString() },
  };
}
