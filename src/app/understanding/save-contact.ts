import { channelForAddress, resolveAddress, type SaveContactCommand } from '../../core/parser/index.js';
import type { Clock, Contact, ContactBook } from '../../core/ports.js';
import { CHANNEL_LABELS } from '../../core/send-request.js';
import { formatPhone } from '../../core/validation.js';

export type SaveResult = { ok: true; contact: Contact; text: string } | { ok: false; text: string };

/** Save a contact the person typed in chat, after checking the address suits its channel. */
export async function saveContactFromChat(
  deps: { contacts: ContactBook; clock: Clock; defaultRegion: string },
  scope: string,
  command: SaveContactCommand,
): Promise<SaveResult> {
  const channel = command.channel ?? channelForAddress(command.address);
  const resolved = resolveAddress(channel, command.address, deps.defaultRegion);
  if ('error' in resolved) return { ok: false, text: resolved.error.replace('so I have not drafted anything', 'so I have not saved it').replace('Nothing was drafted.', 'Nothing was saved.') };
  const name = command.name.replace(/\s+/g, ' ').trim();
  const contact = await deps.contacts.save(scope, name, channel, resolved.to, deps.clock.now());
  const shown = channel === 'sms' || channel === 'wa' ? formatPhone(contact.address) : contact.address;
  return { ok: true, contact, text: `Saved ${contact.name}: ${CHANNEL_LABELS[channel]} ${shown}.` };
}
