/**
 * The words after `/send` that are not a message: help, history, contacts, optout.
 * Parsing is pure; running needs the bot and the contact book.
 */
import type { RelayBot } from '../../app/relaybot.js';
import { optOutCommand } from '../../app/opt-outs.js';
import { AppError } from '../../core/errors.js';
import type { Clock, ContactBook } from '../../core/ports.js';
import { CHANNEL_LABELS, CHANNELS, type Actor, type Channel } from '../../core/send-request.js';
import { validateSendRequest } from '../../core/validation.js';
import { displayRecipient } from '../../core/card.js';
import { renderContacts, renderHistory } from './render-replies.js';
import { escapeMrkdwn } from './slack-text.js';

export type Subcommand =
  | { kind: 'help' }
  | { kind: 'history' }
  | { kind: 'contacts' }
  | { kind: 'contacts-add'; name: string; channel: string; address: string }
  | { kind: 'contacts-remove'; name: string }
  | { kind: 'contacts-usage' }
  | { kind: 'optout'; words: string };

/** null: the words are a message for the agent. */
export function parseSubcommand(text: string): Subcommand | null {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [first = '', second = '', ...rest] = words.map((w, i) => (i < 2 ? w.toLowerCase() : w));
  if (words.length === 0 || (first === 'help' && words.length === 1)) return { kind: 'help' };
  if (first === 'history' && words.length === 1) return { kind: 'history' };
  if (first === 'optout') return { kind: 'optout', words: words.slice(1).join(' ') };
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

const ALIASES: Record<string, Channel> = { whatsapp: 'wa', telegram: 'tg', push: 'notify', mail: 'email', text: 'sms' };

export function channelFromWord(word: string): Channel | null {
  const w = word.toLowerCase();
  if ((CHANNELS as readonly string[]).includes(w)) return w as Channel;
  return ALIASES[w] ?? CHANNELS.find((c) => CHANNEL_LABELS[c].toLowerCase() === w) ?? null;
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
  contacts: ContactBook;
  clock: Clock;
  defaultRegion: string;
}

/** Run one subcommand; returns the mrkdwn answer (already escaped where it holds people's words). */
export async function runSubcommand(deps: SubcommandDeps, sub: Subcommand, actor: Actor, scope: string): Promise<string> {
  switch (sub.kind) {
    case 'help':
      return HELP_TEXT;
    case 'history':
      return renderHistory(await deps.bot.history(actor, 10), deps.clock.now());
    case 'contacts':
      return renderContacts(await deps.contacts.list(scope));
    case 'contacts-usage':
      return CONTACTS_USAGE;
    case 'optout':
      return escapeMrkdwn(await optOutCommand(deps.bot.optOuts, actor, sub.words));
    case 'contacts-remove': {
      const removed = await deps.contacts.remove(scope, sub.name);
      return removed > 0
        ? `Removed ${escapeMrkdwn(sub.name)} from the contact book.`
        : `There is no contact called ${escapeMrkdwn(sub.name)} in this workspace's contact book.`;
    }
    case 'contacts-add': {
      const channel = channelFromWord(sub.channel);
      if (!channel) return CONTACTS_USAGE;
      try {
        // The same normalisation a draft gets, so "+1 (555) 123-4567" is saved as +15551234567.
        const { to } = validateSendRequest({ channel, to: sub.address, text: '-', subject: null }, deps.defaultRegion);
        const saved = await deps.contacts.save(scope, sub.name, channel, to, deps.clock.now());
        return `Saved *${escapeMrkdwn(saved.name)}*: ${CHANNEL_LABELS[channel]} ${escapeMrkdwn(displayRecipient(channel, to))}.`;
      } catch (error) {
        if (error instanceof AppError) return escapeMrkdwn(error.message);
        throw error;
      }
    }
  }
}
