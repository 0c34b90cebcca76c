import { displayRecipient } from '../../core/card.js';
import { isDecidable, type Draft } from '../../core/draft.js';
import type { Contact } from '../../core/ports.js';
import { CHANNEL_LABELS } from '../../core/send-request.js';
import { escapeMrkdwn, truncate } from './slack-text.js';

/** What became of a draft, in the few words a history line has room for. */
export function outcomeLabel(draft: Draft, now: Date): string {
  switch (draft.status) {
    case 'pending':
      return isDecidable(draft, now) ? '⏳ waiting for Send' : '⌛ expired';
    case 'scheduled':
      return '🕒 scheduled';
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
export function renderHistory(drafts: Draft[], now: Date): string {
  if (drafts.length === 0) return 'You have not asked me to send anything yet. Try `/send help`.';
  const lines = drafts.map((d) => {
    const to = displayRecipient(d.channel, d.to);
    const preview = truncate(d.text.replace(/\s+/g, ' '), 60);
    return `• ${when(d.createdAt)} · ${CHANNEL_LABELS[d.channel]} to ${escapeMrkdwn(to)} · ${escapeMrkdwn(outcomeLabel(d, now))}\n    “${escapeMrkdwn(preview)}”`;
  });
  return [`*Your last ${drafts.length} message${drafts.length === 1 ? '' : 's'}*`, ...lines].join('\n');
}

/** `/send contacts`: this workspace's contacts and the global ones. */
export function renderContacts(contacts: Contact[]): string {
  if (contacts.length === 0) {
    return 'The contact book is empty. Save someone with `/send contacts add NAME CHANNEL ADDRESS`, e.g. `/send contacts add Alice sms +15551234567`.';
  }
  const lines = contacts.map((c) => {
    const where = c.scope === 'global' ? ' _(everyone)_' : '';
    return `• *${escapeMrkdwn(c.name)}* — ${CHANNEL_LABELS[c.channel]} ${escapeMrkdwn(displayRecipient(c.channel, c.address))}${where}`;
  });
  return [`*Contacts (${contacts.length})*`, ...lines].join('\n');
}
