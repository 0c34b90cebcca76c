import type { Draft, DraftStatus } from './draft.js';
import { formatPhone } from './validation.js';
import { actorLabel, CHANNEL_LABELS, type Channel } from './send-request.js';
import { formatInZone } from './schedule/index.js';

/**
 * The platform-neutral draft card. Slack renders it to Block Kit, Telegram to
 * text + inline keyboard, the web console to HTML — each with a pure function.
 */
export type CardAction = 'confirm' | 'edit' | 'cancel';
export interface CardButton {
  action: CardAction;
  /** Send / Edit / Cancel on every front-end. */
  label: 'Send' | 'Edit' | 'Cancel';
  style: 'primary' | 'default' | 'danger';
}
export type CardTone = 'pending' | 'progress' | 'success' | 'error' | 'muted';

export interface Card {
  draftId: string;
  /** The draft version this card shows; every button names it, so a click decides exactly this content. */
  version: number;
  status: DraftStatus;
  tone: CardTone;
  /** One line that says where the draft stands ("Draft SMS", "✅ Sent to +1 555 123 4567 by SMS"). */
  headline: string;
  /** Label/value rows, values shown literally (renderers escape them). */
  fields: { label: string; value: string }[];
  /** Small print: who asked, when it expires, who decided. */
  context: string;
  /** Buttons; empty once the draft is decided or expired. */
  buttons: CardButton[];
  expiresAt: Date;
  /** What the recipient will get, when the front-end looked it up (see `CardPreview`). */
  preview?: CardPreview | undefined;
}

/** What the recipient gets, beyond the fields: who they are to the requester, how an SMS is split, whether anything is really sent. */
export interface CardPreview {
  /** The saved contact's name for this address, if any ("Bob"). */
  recipientName: string | null;
  /** SMS and WhatsApp-over-SMS: how many segments the text takes, and in which encoding. */
  sms: { segments: number; encoding: 'GSM-7' | 'UCS-2'; characters: number } | null;
  /** The dry-run relay is active: approving records the message, nothing leaves. */
  dryRun: boolean;
}

export const DRY_RUN_NOTE = 'Dry run — nothing will be sent';

/** The preview as short lines a card shows under its fields ("2 SMS segments · UCS-2", the dry-run mark). */
export function previewNotes(preview: CardPreview | undefined, status: DraftStatus): string[] {
  if (!preview) return [];
  const notes: string[] = [];
  if (preview.sms) {
    const { segments, encoding, characters } = preview.sms;
    notes.push(`${segments} SMS segment${segments === 1 ? '' : 's'} · ${encoding} · ${characters} characters`);
  }
  if (preview.dryRun && status === 'pending') notes.push(DRY_RUN_NOTE);
  return notes;
}

/** The card's rows with the preview applied: the saved contact's name beside the address ("Bob · +1 555 123 4567"). */
export function fieldsWithPreview(card: Pick<Card, 'fields' | 'preview'>): Card['fields'] {
  const name = card.preview?.recipientName;
  if (!name) return card.fields;
  return card.fields.map((f) => (f.label === 'To' ? { ...f, value: `${name} · ${f.value}` } : f));
}

export const BUTTONS: readonly CardButton[] = [
  { action: 'confirm', label: 'Send', style: 'primary' },
  { action: 'edit', label: 'Edit', style: 'default' },
  { action: 'cancel', label: 'Cancel', style: 'danger' },
];

/** A scheduled draft can still be cancelled until a worker claims it. */
const CANCEL_ONLY = BUTTONS[2]!;

/** "Sends Fri 17:00 Europe/Berlin" (with "held for quiet hours" when they moved it). */
export function sendsLine(draft: Pick<Draft, 'sendAt' | 'timeZone' | 'heldForQuietHours'>, now: Date): string {
  return draft.sendAt ? `Sends ${scheduleValue(draft, now)}` : 'Sends when approved';
}

function scheduleValue(draft: Pick<Draft, 'sendAt' | 'timeZone' | 'heldForQuietHours'>, now: Date): string {
  const when = formatInZone(draft.sendAt!, draft.timeZone, now);
  return draft.heldForQuietHours ? `${when} (held until quiet hours end)` : when;
}

/** "+1 555 123 4567" for phones, the address otherwise, "(your devices)" for notify. */
export function displayRecipient(channel: Channel, to: string): string {
  if (channel === 'sms' || channel === 'wa') return formatPhone(to);
  if (channel === 'notify') return 'your devices';
  return to;
}

const hhmm = (d: Date): string => `${d.toISOString().slice(11, 16)} UTC`;

function headline(draft: Draft, expired: boolean, now: Date): { tone: CardTone; text: string } {
  const channel = CHANNEL_LABELS[draft.channel];
  const to = displayRecipient(draft.channel, draft.to);
  if (expired) return { tone: 'muted', text: '⌛ Expired — nothing was sent' };
  switch (draft.status) {
    case 'pending':
      return { tone: 'pending', text: `Draft ${channel} to ${to}` };
    case 'scheduled':
      return { tone: 'progress', text: `🕒 Scheduled — ${sendsLine(draft, now)}` };
    case 'confirmed':
    case 'sending':
      return { tone: 'progress', text: `Sending… (${channel} to ${to})` };
    case 'sent':
      return { tone: 'success', text: `✅ Sent to ${to} by ${channel}${draft.dryRun ? ' (dry run)' : ''}` };
    case 'failed':
      return { tone: 'error', text: `❌ Failed: ${draft.failureReason ?? 'the relay did not accept the message'}` };
    case 'cancelled':
      return { tone: 'muted', text: 'Cancelled — nothing was sent' };
    case 'expired':
      return { tone: 'muted', text: '⌛ Expired — nothing was sent' };
  }
}

/** Build the card for a draft as of `now` (a pending draft past its expiry shows as expired). */
export function buildCard(draft: Draft, now: Date): Card {
  const expired = draft.status === 'expired' || (draft.status === 'pending' && draft.expiresAt <= now);
  const head = headline(draft, expired, now);
  const fields = [
    { label: 'Channel', value: CHANNEL_LABELS[draft.channel] },
    { label: 'To', value: displayRecipient(draft.channel, draft.to) },
    ...(draft.subject ? [{ label: 'Subject', value: draft.subject }] : []),
    ...(draft.sendAt ? [{ label: 'Sends', value: scheduleValue(draft, now) }] : []),
    { label: 'Message', value: draft.text },
    // An agent's own words for why: the approver judges the request with them.
    ...(draft.reason ? [{ label: 'Reason', value: draft.reason }] : []),
  ];
  const asked = `Requested by ${draft.requester.platform === 'agent' ? 'agent ' : ''}${actorLabel(draft.requester)}`;
  let context: string;
  if (draft.status === 'pending' && !expired) context = `${asked} · expires ${hhmm(draft.expiresAt)}`;
  else if (draft.decidedBy && draft.status !== 'expired') {
    const verb = draft.status === 'cancelled' ? 'Cancelled' : 'Approved';
    context = `${asked} · ${verb} by ${actorLabel(draft.decidedBy)}${draft.decidedAt ? ` at ${hhmm(draft.decidedAt)}` : ''}`;
  } else context = asked;
  // Small but visible, so a person can tell which version they are approving.
  context = `${context} · v${draft.version}`;
  return {
    draftId: draft.id,
    version: draft.version,
    status: expired ? 'expired' : draft.status,
    tone: head.tone,
    headline: head.text,
    fields,
    context,
    buttons: draft.status === 'pending' && !expired ? [...BUTTONS] : draft.status === 'scheduled' ? [CANCEL_ONLY] : [],
    expiresAt: draft.expiresAt,
  };
}
