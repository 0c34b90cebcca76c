import { displayRecipient } from '../../core/card.js';
import type { Draft, DraftStatus } from '../../core/draft.js';
import { CHANNEL_LABELS } from '../../core/send-request.js';
import { escapeHtml, truncate } from './html.js';

/** The command menu, set with setMyCommands at start. */
export const COMMANDS = [
  { command: 'send', description: 'Ask for a message, e.g. /send sms +15551234567 Build done' },
  { command: 'history', description: 'Your latest drafts and what became of them' },
  { command: 'contacts', description: 'List contacts; /contacts add NAME CHANNEL ADDRESS' },
  { command: 'cancel', description: 'Drop the request we are working on' },
  { command: 'help', description: 'What this bot does' },
] as const;

export function helpText(isPrivate: boolean): string {
  const how = isPrivate
    ? 'Just tell me what to send'
    : 'In this group, use <code>/send …</code> or mention me';
  return [
    '<b>relaybot</b> sends SMS, WhatsApp, Telegram, email and push messages for you.',
    '',
    `${how}, for example:`,
    '<code>email ops@example.com subject Deploy: v2 is live</code>',
    '<code>sms +15551234567 Build finished</code>',
    '',
    'I answer with a draft. Nothing goes out until you press <b>Send</b>; <b>Edit</b> changes it, <b>Cancel</b> drops it.',
    '',
    '/history — your latest drafts',
    '/contacts — saved names; <code>/contacts add NAME CHANNEL ADDRESS</code>',
    '/cancel — drop a half-finished request',
  ].join('\n');
}

const STATUS_ICONS: Record<DraftStatus, string> = {
  pending: '📝',
  confirmed: '⏳',
  scheduled: '🕒',
  sending: '⏳',
  sent: '✅',
  failed: '❌',
  cancelled: '🚫',
  expired: '⌛',
};

/** `/history`: one line per draft, newest first; everything the person wrote escaped. */
export function historyText(drafts: Draft[], now: Date): string {
  if (drafts.length === 0) return 'You have no drafts yet. Tell me what to send to make one.';
  const lines = drafts.map((d) => {
    const status = d.status === 'pending' && d.expiresAt <= now ? 'expired' : d.status;
    const to = displayRecipient(d.channel, d.to);
    const when = d.createdAt.toISOString().slice(0, 16).replace('T', ' ');
    return (
      `${STATUS_ICONS[status]} <b>${status}</b> · ${CHANNEL_LABELS[d.channel]} to ${escapeHtml(to)} · ` +
      `“${escapeHtml(truncate(d.text.replace(/\s+/g, ' '), 60))}” · ${when} UTC`
    );
  });
  return `Your latest drafts:\n${lines.join('\n')}`;
}
