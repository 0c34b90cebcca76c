/**
 * The words after `/send` that are not a message: help, history, contacts.
 * Parsing is pure; running needs the bot and the contact book.
 */
import { channelFromWord, describeContact } from '../../app/contacts.js';
import type { RelayBot } from '../../app/relaybot.js';
import type { Clock } from '../../core/ports.js';
import type { Actor, ConversationRef } from '../../core/send-request.js';
import { literalAnswer, renderContacts, renderHistory, type SlackAnswer } from './render-replies.js';

export type Subcommand =
  | { kind: 'help' }
  | { kind: 'history' }
  | { kind: 'contacts' }
  | { kind: 'contacts-add'; name: string; channel: string; address: string }
  | { kind: 'contacts-remove'; name: string }
  | { kind: 'contacts-usage' };

/** null: the words are a message for the agent. */
export function parseSubcommand(text: string): Subcommand | null {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [first = '', second = '', ...rest] = words.map((w, i) => (i < 2 ? w.toLowerCase() : w));
  if (words.length === 0 || (first === 'help' && words.length === 1)) return { kind: 'help' };
  if (first === 'history' && words.length === 1) return { kind: 'history' };
  if (first !== 'contacts') return null;
  if (words.length === 1 || (second === 'list' && words.length === 2)) return { kind: 'contacts' };
  const args = words.slice(2);
  if (second === 'remove' && rest.length > 0) return { kind: 'contacts-remove', name: args.join(' ') };
  if (second === 'add') {
    // NAME may have spaces ("Ops team"); the first word that names a channel ends it.
    const at = args.findIndex((w, i) => i > 0 && channelFromWord(w) !== null);
    if (at > 0) return { kind: 'contacts-add', name: args.slice(0, at).join(' '), channel: args[at]!, address: args.slice(at + 1).join(' ') };
  }
  return { kind: 'contacts-usage' };
}

export const HELP_TEXT = [
  '*relaybot* sends SMS, WhatsApp, Telegram, email and push messages for you. Nothing goes out until you press *Send* on the draft.',
  '• `/send text +15551234567 the deploy is done` — draft an SMS',
  '• `/send email ops@example.com subject Deploy: the deploy is done` — draft an email',
  '• `/send whatsapp Alice see you at 5` — use a saved contact',
  '• `/send history` — your last 10 messages and what happened to them',
  '• `/send contacts` — the contact book; `/send contacts add NAME CHANNEL ADDRESS` to save one, `/send contacts remove NAME` to delete',
  'You can also DM me, or mention me in a channel — I answer in the thread.',
].join('\n');

const CONTACTS_USAGE = 'To save a contact: `/send contacts add NAME CHANNEL ADDRESS`, e.g. `/send contacts add Alice sms +15551234567`.';

export interface SubcommandDeps {
  bot: RelayBot;
  clock: Clock;
}

/**
 * Run one subcommand. The answer's `text` is mrkdwn (people's words escaped)
 * for notifications; where it holds people's words it also has blocks that
 * show them literally — mrkdwn cannot escape `*`, `_`, `~` or backticks.
 */
export async function runSubcommand(deps: SubcommandDeps, sub: Subcommand, actor: Actor, conversation: ConversationRef): Promise<SlackAnswer> {
  switch (sub.kind) {
    case 'help':
      return { text: HELP_TEXT };
    case 'history':
      return renderHistory(await deps.bot.history(actor, 10), deps.clock.now());
    case 'contacts':
      return renderContacts(await deps.bot.contacts.list(conversation));
    case 'contacts-usage':
      return { text: CONTACTS_USAGE };
    case 'contacts-remove': {
      const removed = await deps.bot.contacts.remove(actor, conversation, sub.name);
      return removed > 0
        ? literalAnswer([['Removed '], [sub.name], [' from the contact book.']])
        : literalAnswer([["There is no contact called "], [sub.name], [" in this workspace's contact book."]]);
    }
    case 'contacts-add': {
      if (!channelFromWord(sub.channel)) return { text: CONTACTS_USAGE };
      const saved = await deps.bot.contacts.save(actor, conversation, sub.name, sub.channel, sub.address);
      if (!saved.ok) return literalAnswer([[saved.sentence]]);
      return literalAnswer([['Saved '], [saved.contact.name, 'bold'], [`: ${describeContact(saved.contact)}.`]]);
    }
  }
}
