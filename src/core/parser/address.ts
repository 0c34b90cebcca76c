import { AppError } from '../errors.js';
import { CHANNEL_LABELS, type Channel } from '../send-request.js';
import { normalizePhone, validateSendRequest } from '../validation.js';

/** An explicit address as written: a phone number, an email, a Telegram @handle or numeric id. */
export interface RawAddress {
  kind: 'phone' | 'email' | 'handle';
  raw: string;
}

export interface AddressMatch {
  address: RawAddress;
  /** The text after the address. */
  rest: string;
}

// Anything with an @ inside counts as an email attempt ("ops@"), so a typo is refused rather than read as a name.
const EMAIL_AT_START = /^<?([^\s@<>"',;:]+@[^\s@<>"',;:]*?)>?(?=[\s,;:!?)"']|\.(?:\s|$)|$)/;
const HANDLE_AT_START = /^(@[A-Za-z][A-Za-z0-9_]*)(?![A-Za-z0-9_@.])/;
const PHONE_AT_START = /^(?:\+|00)?\s?\(?\d[\d().\s/-]*\d\)?/;

/**
 * Read an address at the very start of `s`. A digit run is always reported as a
 * phone candidate — even a short or invalid one — so it is checked and refused,
 * never mistaken for a name or the body.
 */
export function addressAtStart(s: string, defaultRegion: string): AddressMatch | null {
  const text = s.trimStart();
  const email = EMAIL_AT_START.exec(text);
  if (email?.[1]) return { address: { kind: 'email', raw: email[1].replace(/\.$/, '') }, rest: text.slice(email[0].length) };
  const handle = HANDLE_AT_START.exec(text);
  if (handle?.[1]) return { address: { kind: 'handle', raw: handle[1] }, rest: text.slice(handle[0].length) };
  const phone = PHONE_AT_START.exec(text);
  if (phone) return splitPhone(text, phone[0], defaultRegion);
  return null;
}

/**
 * The phone regex may swallow digits of the body ("text 555 123 4567 30 min late").
 * Try the longest digit-group prefix that is a possible number; if none is, report
 * the whole run so the person is told it is not a number.
 */
function splitPhone(text: string, run: string, defaultRegion: string): AddressMatch {
  // No real number has more than a handful of groups; the cap keeps a long digit run cheap.
  const groups = [...run.matchAll(/[^\s]+/g)].slice(0, 8).map((m) => ({ end: (m.index ?? 0) + m[0].length }));
  for (let i = groups.length; i >= 1; i--) {
    const end = groups[i - 1]?.end ?? run.length;
    const candidate = run.slice(0, end).trim();
    if (isPossiblePhone(candidate, defaultRegion)) return { address: { kind: 'phone', raw: candidate }, rest: text.slice(end) };
  }
  return { address: { kind: 'phone', raw: run.trim() }, rest: text.slice(run.length) };
}

function isPossiblePhone(raw: string, defaultRegion: string): boolean {
  try {
    normalizePhone(raw, defaultRegion);
    return true;
  } catch {
    return false;
  }
}

/** An address at the very end of `s` ("… to +15551234567", "… to bob@x.com on WhatsApp"). */
export function addressAtEnd(s: string, defaultRegion: string): { address: RawAddress; before: string } | null {
  const m = /^(.*?)\s*\b(?:to|for)\s+((?:\+|00)?[\d(][\d().\s/-]{5,}\d\)?|[^\s@]+@[^\s@]+|@[A-Za-z][A-Za-z0-9_]{2,})\s*[.!]?\s*$/i.exec(s);
  if (!m?.[2]) return null;
  const found = addressAtStart(m[2], defaultRegion);
  if (!found || found.rest.trim()) return null;
  return { address: found.address, before: m[1] ?? '' };
}

/** The channel an address implies when the person named none. */
export function channelForAddress(address: RawAddress): Channel {
  return address.kind === 'email' ? 'email' : address.kind === 'handle' ? 'tg' : 'sms';
}

const ADDRESS_NOUN: Record<RawAddress['kind'], string> = {
  phone: 'a phone number',
  email: 'an email address',
  handle: 'a Telegram username',
};

/**
 * Check that `address` suits `channel` and normalise it (E.164, lower-case email).
 * Returns the address, or the sentence that says which and why.
 */
export function resolveAddress(channel: Channel, address: RawAddress, defaultRegion: string): { to: string } | { error: string } {
  const label = CHANNEL_LABELS[channel];
  if (channel === 'notify') return { to: '' };
  const fits =
    ((channel === 'sms' || channel === 'wa') && address.kind === 'phone') ||
    (channel === 'email' && address.kind === 'email') ||
    ((channel === 'tg' || channel === 'tg_bot') && (address.kind === 'handle' || /^-?\d{5,20}$/.test(address.raw))) ||
    channel === 'pchat';
  if (!fits) {
    const want = channel === 'email' ? 'an email address' : channel === 'tg' || channel === 'tg_bot' ? 'an @username or numeric id' : 'a phone number';
    const alt = address.kind === 'email' ? ` Say "email ${address.raw} …" to send an email instead.` : '';
    return { error: `${label} needs ${want}, and ${address.raw} is ${ADDRESS_NOUN[address.kind]}, so I have not drafted anything.${alt}` };
  }
  try {
    const to = validateSendRequest({ channel, to: address.raw, text: '-', subject: null }, defaultRegion).to;
    return { to };
  } catch (error) {
    if (error instanceof AppError) return { error: `${error.message} Nothing was drafted.` };
    throw error;
  }
}

/** Find the first explicit address anywhere in `s` (for answers such as "her number is 555 123 4567"). */
export function findAddress(s: string, defaultRegion: string): AddressMatch | null {
  const tokens = [...s.matchAll(/(?:^|[\s:,(])(?=[+@\d(<]|[^\s@]+@)/g)];
  for (const t of tokens) {
    const start = (t.index ?? 0) + t[0].length;
    const found = addressAtStart(s.slice(start), defaultRegion);
    if (found && (found.address.kind !== 'phone' || /\d{3}/.test(found.address.raw.replace(/\D/g, '')) && found.address.raw.replace(/\D/g, '').length >= 5)) {
      return found;
    }
  }
  return null;
}
