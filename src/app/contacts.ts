import { displayRecipient } from '../core/card.js';
import { AppError } from '../core/errors.js';
import type { Clock, Contact, ContactBook } from '../core/ports.js';
import { CHANNEL_LABELS, CHANNELS, type Actor, type Channel, type ConversationRef } from '../core/send-request.js';
import { assertStorable } from '../core/storable-text.js';
import { validateSendRequest } from '../core/validation.js';
import { contactScope } from './conversation-keys.js';

/** Where a contact book is read or changed from: a conversation (its scope), or the operator's global book. */
export type ContactBookOf = ConversationRef | { scope: string };

export type SaveOutcome = { ok: true; contact: Contact; sentence: string } | { ok: false; sentence: string };

const NAME_RULE = /^[\p{L}\p{N}][\p{L}\p{N} ._'-]{0,39}$/u;
export const NAME_RULE_SENTENCE = 'A contact name is 1–40 letters, digits, spaces, dots, dashes or apostrophes.';

const ALIASES: Record<string, Channel> = { whatsapp: 'wa', telegram: 'tg', push: 'notify', mail: 'email', 'e-mail': 'email', text: 'sms' };

/** A channel as people write it: `sms`, `whatsapp`, `WhatsApp`, `mail`…; null when the word names none. */
export function channelFromWord(word: string): Channel | null {
  const w = word.toLowerCase();
  if ((CHANNELS as readonly string[]).includes(w)) return w as Channel;
  return ALIASES[w] ?? CHANNELS.find((c) => CHANNEL_LABELS[c].toLowerCase() === w) ?? null;
}

/** "SMS +1 555 123 4567": how a saved contact's address reads. */
export const describeContact = (contact: Pick<Contact, 'channel' | 'address'>): string =>
  `${CHANNEL_LABELS[contact.channel]} ${displayRecipient(contact.channel, contact.address)}`;

/**
 * The contact book, with one set of rules for every front-end and the CLI:
 * a name the table can hold and that reads as a name, an address valid for
 * its channel (normalised as a draft's would be, so a saved contact always
 * makes a valid draft), and an audit event (`contact.saved`,
 * `contact.removed`) written with the change — under `contactsOnly` a
 * contact is an allowlist entry.
 */
export class Contacts {
  constructor(private readonly deps: { contacts: ContactBook; clock: Clock; defaultRegion: string }) {}

  /** Save `name` → `address` on `channel` (a channel word as typed). `by` null: the operator (CLI). */
  async save(by: Actor | null, book: ContactBookOf, name: string, channel: string, address: string): Promise<SaveOutcome> {
    const scope = scopeOf(book);
    const cleanName = name.replace(/\s+/g, ' ').trim();
    const known = channelFromWord(channel);
    try {
      assertStorable('name', cleanName);
      if (!NAME_RULE.test(cleanName)) return { ok: false, sentence: NAME_RULE_SENTENCE };
      if (!known) return { ok: false, sentence: `channel: "${channel}" is not a channel; use one of ${CHANNELS.join(', ')}.` };
      const { to } = validateSendRequest({ channel: known, to: address, text: '-', subject: null }, this.deps.defaultRegion);
      const contact = await this.deps.contacts.save(scope, cleanName, known, to, this.deps.clock.now(), {
        actor: by,
        action: 'contact.saved',
        details: { scope, name: cleanName, channel: known, address: to },
      });
      return { ok: true, contact, sentence: `Saved ${contact.name}: ${describeContact(contact)}.` };
    } catch (error) {
      if (error instanceof AppError) return { ok: false, sentence: error.message };
      throw error;
    }
  }

  /** The contacts `book` sees: its own, then the global ones. */
  list(book: ContactBookOf): Promise<Contact[]> {
    return this.deps.contacts.list(scopeOf(book));
  }

  /** Remove the book's own contacts called `name` (a global one stays); returns how many. */
  remove(by: Actor | null, book: ContactBookOf, name: string): Promise<number> {
    const scope = scopeOf(book);
    const cleanName = name.replace(/\s+/g, ' ').trim();
    return this.deps.contacts.remove(scope, cleanName, { actor: by, action: 'contact.removed', details: { scope, name: cleanName } });
  }
}

const scopeOf = (book: ContactBookOf): string => ('scope' in book ? book.scope : contactScope(book));
