import { displayRecipient } from '../../core/card.js';
import { AppError } from '../../core/errors.js';
import type { ContactBook } from '../../core/ports.js';
import { CHANNEL_LABELS, CHANNELS, type Channel } from '../../core/send-request.js';
import { validateSendRequest } from '../../core/validation.js';
import { escapeHtml } from './html.js';

const ALIASES: Record<string, Channel> = {
  whatsapp: 'wa',
  telegram: 'tg',
  push: 'notify',
  mail: 'email',
  'e-mail': 'email',
  text: 'sms',
};

const USAGE =
  'Use <code>/contacts</code> to list, <code>/contacts add NAME CHANNEL ADDRESS</code> to save ' +
  '(e.g. <code>/contacts add ops email ops@example.com</code>), <code>/contacts remove NAME</code> to delete.';

const MAX_LISTED = 40;

function channelOf(word: string): Channel | null {
  const lower = word.toLowerCase();
  if ((CHANNELS as readonly string[]).includes(lower)) return lower as Channel;
  return ALIASES[lower] ?? null;
}

/**
 * `/contacts`, `/contacts add NAME CHANNEL ADDRESS`, `/contacts remove NAME` for
 * this chat's contact book. Returns the HTML answer. NAME may be several words:
 * the first channel word ends it ("add Jane Doe sms +1 555 123 4567").
 */
export async function contactsCommand(
  contacts: ContactBook,
  scope: string,
  args: string,
  now: Date,
  defaultRegion: string,
): Promise<string> {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const verb = (words.shift() ?? 'list').toLowerCase();
  if (verb === 'list') {
    const list = await contacts.list(scope);
    if (list.length === 0) return `No contacts saved here yet. ${USAGE}`;
    // Telegram allows 4096 characters in a message; a long book is cut, not refused.
    const shown = list.slice(0, MAX_LISTED);
    const lines = shown.map(
      (c) => `• <b>${escapeHtml(c.name)}</b> — ${CHANNEL_LABELS[c.channel]} ${escapeHtml(displayRecipient(c.channel, c.address))}`,
    );
    const more = list.length > shown.length ? `\n… and ${list.length - shown.length} more.` : '';
    return `Contacts here:\n${lines.join('\n')}${more}`;
  }
  if (verb === 'remove' || verb === 'delete') {
    const name = words.join(' ');
    if (!name) return USAGE;
    const removed = await contacts.remove(scope, name);
    return removed ? `Removed ${escapeHtml(name)}.` : `There is no contact called ${escapeHtml(name)} here.`;
  }
  if (verb !== 'add') return USAGE;
  const at = words.findIndex((w, i) => i > 0 && channelOf(w) !== null);
  if (at < 1) return `Which channel? ${USAGE}`;
  const name = words.slice(0, at).join(' ');
  const channel = channelOf(words[at]!)!;
  const raw = words.slice(at + 1).join(' ');
  if (!/^[\p{L}\p{N}][\p{L}\p{N} ._'-]{0,39}$/u.test(name)) {
    return 'A contact name is 1–40 letters, digits, spaces, dots, dashes or apostrophes.';
  }
  let address: string;
  try {
    // The same rules as a draft's recipient, so a saved contact always makes a valid draft.
    address = validateSendRequest({ channel, to: raw, text: '.', subject: null }, defaultRegion).to;
  } catch (error) {
    if (error instanceof AppError) return escapeHtml(error.message);
    throw error;
  }
  const saved = await contacts.save(scope, name, channel, address, now);
  return `Saved <b>${escapeHtml(saved.name)}</b>: ${CHANNEL_LABELS[channel]} ${escapeHtml(displayRecipient(channel, address))}.`;
}
