import { channelForAddress, resolveAddress, type SaveContactCommand } from '../../core/parser/index.js';
import type { Clock, Contact, ContactBook } from '../../core/ports.js';
import type { Actor } from '../../core/send-request.js';
import { CHANNEL_LABELS } from '../../core/send-request.js';
import { formatPhone } from '../../core/validation.js';
import { Contacts } from '../contacts.js';

export type SaveResult = { ok: true; contact: Contact; text: string } | { ok: false; text: string };

/**
 * Save a contact the person typed in chat ("save Bob as +1 555…"). The
 * address is read the way chat reads addresses (its kind picks the channel
 * when none was said); saving is the contact book's, with its one name rule and audit.
 */
export async function saveContactFromChat(
  deps: { contacts: ContactBook; clock: Clock; defaultRegion: string },
  by: Actor | null,
  scope: string,
  command: SaveContactCommand,
): Promise<SaveResult> {
  const channel = command.channel ?? channelForAddress(command.address);
  const resolved = resolveAddress(channel, command.address, deps.defaultRegion);
  if ('error' in resolved) return { ok: false, text: resolved.error.replace('so I have not drafted anything', 'so I have not saved it').replace('Nothing was drafted.', 'Nothing was saved.') };
  const saved = await new Contacts(deps).save(by, { scope }, command.name, channel, resolved.to);
  if (!saved.ok) return { ok: false, text: saved.sentence };
  const { contact } = saved;
  const shown = channel === 'sms' || channel === 'wa' ? formatPhone(contact.address) : contact.address;
  return { ok: true, contact, text: `Saved ${contact.name}: ${CHANNEL_LABELS[channel]} ${shown}.` };
}
