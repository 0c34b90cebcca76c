import { displayRecipient } from '../../core/card.js';
import { isDecidable, type Draft } from '../../core/draft.js';
import type { Contact } from '../../core/ports.js';
import type { types } from '@slack/bolt';
import { CHANNEL_LABELS } from '../../core/send-request.js';
import { escapeMrkdwn, truncate } from './slack-text.js';

/** An answer to post: mrkdwn `text` (the notification), and blocks that show people's words literally. */
export interface SlackAnswer {
  text: string;
  blocks?: types.KnownBlock[];
}

/** A run of words, bold or not; `literalAnswer` shows each exactly as given. */
export type Piece = [text: string, style?: 'bold' | 'italic'];

/**
 * An answer built from pieces: rich_text, which Slack never reads as
 * formatting (a name like `*boss*` stays those characters), and the same
 * pieces as escaped mrkdwn for the notification text.
 */
export function literalAnswer(pieces: Piece[]): SlackAnswer {
  const mark = { bold: '*', italic: '_' } as const;
  const text = pieces.map(([words, style]) => (style ? `${mark[style]}${escapeMrkdwn(words)}${mark[style]}` : escapeMrkdwn(words))).join('');
  const elements: types.RichTextText[] = pieces.map(([words, style]) => ({ type: 'text', text: words, ...(style ? { style: { [style]: true } } : {}) }));
  return { text, blocks: [{ type: 'rich_text', elements: [{ type: 'rich_text_section', elements }] }] };
}

/** What became of a draft, in the few words a history line has room for. */
export function outcomeLabel(draft: Draft, now: Date): string {
  switch (draft.status) {
    case 'pending':
      return isDecidable(draft, now) ? '⏳ waiting for Send' : '⌛ expired';
    case 'confirmed':
    case 'sending':
      return '📤 sending';
    case 'sent':
      return draft.dryRun ? '✅ sent (dry run)' : '✅ sent';
    case 'failed':
      return `❌ failed: ${draft.failureReason ?? 'the relay did not accept it'}`;
    case 'cancelled':
      return '🚫 cancelled';
    case 'expired':
      return '⌛ expired';
  }
}

const when = (d: Date): string => `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;

/** `/send history`: newest first, one line each, people's words escaped. */
export function renderHistory(drafts: Draft[], now: Date): SlackAnswer {
  if (drafts.length === 0) return { text: 'You have not asked me to send anything yet. Try `/send help`.' };
  const pieces: Piece[] = [[`Your last ${drafts.length} message${drafts.length === 1 ? '' : 's'}`, 'bold']];
  for (const d of drafts) {
    const to = displayRecipient(d.channel, d.to);
    const preview = truncate(d.text.replace(/\s+/g, ' '), 60);
    pieces.push([`\n• ${when(d.createdAt)} · ${CHANNEL_LABELS[d.channel]} to ${to} · ${outcomeLabel(d, now)}\n    “${preview}”`]);
  }
  return literalAnswer(pieces);
}

/** `/send contacts`: this workspace's contacts and the global ones. */
export function renderContacts(contacts: Contact[]): SlackAnswer {
  if (contacts.length === 0) {
    return { text: 'The contact book is empty. Save someone with `/send contacts add NAME CHANNEL ADDRESS`, e.g. `/send contacts add Alice sms +15551234567`.' };
  }
  const pieces: Piece[] = [[`Contacts (${contacts.length})`, 'bold']];
  for (const c of contacts) {
    pieces.push(['\n• '], [c.name, 'bold'], [` — ${CHANNEL_LABELS[c.channel]} ${displayRecipient(c.channel, c.address)}`]);
    if (c.scope === 'global') pieces.push([' '], ['(everyone)', 'italic']);
  }
  return literalAnswer(pieces);
}
