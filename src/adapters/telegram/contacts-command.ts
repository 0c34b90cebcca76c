import { channelFromWord, describeContact } from '../../app/contacts.js';
import type { RelayBot } from '../../app/relaybot.js';
import type { Actor, ConversationRef } from '../../core/send-request.js';
import { escapeHtml } from './html.js';

const USAGE =
  'Use <code>/contacts</code> to list, <code>/contacts add NAME CHANNEL ADDRESS</code> to save ' +
  '(e.g. <code>/contacts add ops email ops@example.com</code>), <code>/contacts remove NAME</code> to delete.';

const MAX_LISTED = 40;

/**
 * `/contacts`, `/contacts add NAME CHANNEL ADDRESS`, `/contacts remove NAME` for
 * this chat's contact book. Returns the HTML answer. NAME may be several words:
 * the first channel word ends it ("add Jane Doe sms +1 555 123 4567").
 */
export async function contactsCommand(bot: RelayBot, actor: Actor, conversation: ConversationRef, args: string): Promise<string> {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const verb = (words.shift() ?? 'list').toLowerCase();
  if (verb === 'list') {
    const list = await bot.contacts.list(conversation);
    if (list.length === 0) return `No contacts saved here yet. ${USAGE}`;
    // Telegram allows 4096 characters in a message; a long book is cut, not refused.
    const shown = list.slice(0, MAX_LISTED);
    const lines = shown.map((c) => `• <b>${escapeHtml(c.name)}</b> — ${escapeHtml(describeContact(c))}`);
    const more = list.length > shown.length ? `\n… and ${list.length - shown.length} more.` : '';
    return `Contacts here:\n${lines.join('\n')}${more}`;
  }
  if (verb === 'remove' || verb === 'delete') {
    const name = words.join(' ');
    if (!name) return USAGE;
    const removed = await bot.contacts.remove(actor, conversation, name);
    return removed ? `Removed ${escapeHtml(name)}.` : `There is no contact called ${escapeHtml(name)} here.`;
  }
  if (verb !== 'add') return USAGE;
  const at = words.findIndex((w, i) => i > 0 && channelFromWord(w) !== null);
  if (at < 1) return `Which channel? ${USAGE}`;
  const saved = await bot.contacts.save(actor, conversation, words.slice(0, at).join(' '), words[at]!, words.slice(at + 1).join(' '));
  if (!saved.ok) return escapeHtml(saved.sentence);
  return `Saved <b>${escapeHtml(saved.contact.name)}</b>: ${escapeHtml(describeContact(saved.contact))}.`;
}
