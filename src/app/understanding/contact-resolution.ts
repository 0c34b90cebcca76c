import type { PartialSendRequest } from '../../core/interpretation.js';
import type { Contact, ContactBook } from '../../core/ports.js';
import { CHANNEL_LABELS, type Channel } from '../../core/send-request.js';
import { formatPhone } from '../../core/validation.js';

/** The outcome of looking a name up: an address, or the question to ask instead. */
export type Resolution =
  | { kind: 'resolved'; partial: PartialSendRequest }
  | { kind: 'ask'; text: string; partial: PartialSendRequest }
  | { kind: 'unknown' };

const TITLE_PREFIX = /^(?:mr|mrs|ms|miss|dr|doctor|prof|uncle|aunt|auntie|grandma|grandpa|sgt|sergeant|captain|coach|officer|priest|pastor|rev|cousin)\.?\s+(\S.*)$/i;

/**
 * Resolve `partial.toName` through the contact book. Only an unambiguous match
 * fills the address: the worst outcome is a message to the wrong person, so
 * two Bobs (or a Bob saved on another channel) become a question.
 */
export async function resolveName(contacts: ContactBook, scope: string, partial: PartialSendRequest): Promise<Resolution> {
  const name = partial.toName;
  if (!name) return { kind: 'unknown' };
  const found = await findByName(contacts, scope, name);
  if (found.length === 0) return { kind: 'unknown' };
  const shown = found[0]?.name ?? name;

  const wanted = partial.channel;
  if (wanted) {
    const onChannel = found.filter((c) => sameChannel(c.channel, wanted));
    const distinct = uniqueAddresses(onChannel);
    if (distinct.length === 1 && onChannel[0]) return { kind: 'resolved', partial: fill(partial, onChannel[0]) };
    if (distinct.length > 1) {
      return {
        kind: 'ask',
        text: `You have more than one ${CHANNEL_LABELS[wanted]} contact called ${shown}: ${distinct.map(describe).join(', ')}. Reply with the one to use.`,
        partial,
      };
    }
    const others = uniqueAddresses(found);
    return {
      kind: 'ask',
      text: `${shown} is saved only for ${others.map(describe).join(', ')}, not ${CHANNEL_LABELS[wanted]}. Reply with ${shown}'s ${addressNoun(wanted)}, or name the channel to use the saved one (e.g. "${others[0] ? CHANNEL_LABELS[others[0].channel].toLowerCase() : 'email'}").`,
      partial: { ...partial, channel: undefined },
    };
  }
  const distinct = uniqueAddresses(found);
  if (distinct.length === 1 && found[0]) return { kind: 'resolved', partial: fill(partial, found[0]) };
  return {
    kind: 'ask',
    text: `${shown} is saved more than once: ${distinct.map(describe).join(', ')}. Which should I use? Reply with the channel (e.g. "sms") or the address.`,
    partial,
  };
}

/** The exact name first; a title ("uncle john") may also be saved without it ("john"). */
async function findByName(contacts: ContactBook, scope: string, name: string): Promise<Contact[]> {
  const exact = await contacts.find(scope, name);
  if (exact.length > 0) return exact;
  const withoutMy = name.replace(/^(?:my|our)\s+/i, '');
  if (withoutMy !== name) {
    const found = await contacts.find(scope, withoutMy);
    if (found.length > 0) return found;
  }
  const titled = TITLE_PREFIX.exec(withoutMy);
  return titled?.[1] ? contacts.find(scope, titled[1]) : [];
}

function fill(partial: PartialSendRequest, contact: Contact): PartialSendRequest {
  return { ...partial, channel: partial.channel ?? contact.channel, to: contact.address, toName: contact.name };
}

function sameChannel(a: Channel, b: Channel): boolean {
  const tg = (c: Channel) => (c === 'tg_bot' ? 'tg' : c);
  return tg(a) === tg(b);
}

function uniqueAddresses(found: Contact[]): Contact[] {
  const seen = new Set<string>();
  return found.filter((c) => {
    const key = `${c.channel}:${c.address}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describe(c: Contact): string {
  const address = c.channel === 'sms' || c.channel === 'wa' ? formatPhone(c.address) : c.address;
  return `${CHANNEL_LABELS[c.channel]} ${address}`;
}

function addressNoun(channel: Channel): string {
  if (channel === 'email') return 'email address';
  if (channel === 'tg' || channel === 'tg_bot') return 'Telegram @username';
  return 'phone number';
}
