import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { z } from 'zod';
import { AppError } from './errors.js';
import { assertStorable } from './storable-text.js';
import { CHANNEL_LABELS, type Channel, type SendRequest } from './send-request.js';

/** Longest text each channel carries (characters). SMS: 10 segments of concatenated GSM. */
export const TEXT_LIMITS: Record<Channel, number> = {
  sms: 1600,
  wa: 4096,
  tg: 4096,
  tg_bot: 4096,
  email: 100_000,
  notify: 1024,
  pchat: 4096,
};
export const SUBJECT_LIMIT = 200;

const emailSchema = z.email();
const telegramUsername = /^@[A-Za-z][A-Za-z0-9_]{3,31}$/;
const telegramId = /^-?\d{1,20}$/;

/** Normalise a phone number to E.164 or explain why it is not one. */
export function normalizePhone(raw: string, defaultRegion: string): string {
  // "00" is the international prefix in most of the world; treat it as "+".
  const compact = raw.replace(/[\s().-]/g, '').replace(/^00/, '+');
  const parsed = parsePhoneNumberFromString(compact, defaultRegion as CountryCode);
  // isPossible (right length for the country) rather than isValid: fictional
  // ranges such as 555-01xx are used in tests and demos and must still draft.
  if (!parsed || !parsed.isPossible()) {
    throw new AppError(
      'invalid:recipient',
      `"${raw}" is not a valid phone number. Write it with the country code, like +15551234567.`,
    );
  }
  return parsed.number;
}

/** A phone number as people read it ("+1 555 123 4567"), for cards. */
export function formatPhone(e164: string): string {
  let shown = formatted.get(e164);
  if (shown === undefined) {
    shown = parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
    // Bounded: a card is drawn several times (created, sending, sent…), always for a few recent numbers.
    if (formatted.size >= 1000) formatted.clear();
    formatted.set(e164, shown);
  }
  return shown;
}
/** formatPhone's answers: libphonenumber takes ~0.1 ms a call, and every card redraw asks again. */
const formatted = new Map<string, string>();

function normalizeRecipient(channel: Channel, to: string, defaultRegion: string): string {
  const value = to.trim();
  switch (channel) {
    case 'sms':
    case 'wa':
      if (!value) throw new AppError('invalid:recipient', `${CHANNEL_LABELS[channel]} needs a phone number to send to.`);
      return normalizePhone(value, defaultRegion);
    case 'email': {
      if (!value) throw new AppError('invalid:recipient', 'Email needs an address to send to.');
      const lower = value.toLowerCase();
      if (!emailSchema.safeParse(lower).success) {
        throw new AppError('invalid:recipient', `"${value}" is not a valid email address.`);
      }
      return lower;
    }
    case 'tg':
    case 'tg_bot':
    case 'pchat': {
      if (!value) throw new AppError('invalid:recipient', `${CHANNEL_LABELS[channel]} needs a recipient: an @username or a numeric id.`);
      const handle = /^[A-Za-z]/.test(value) && channel !== 'pchat' ? `@${value}` : value;
      if (telegramId.test(handle) || telegramUsername.test(handle)) return handle;
      if (channel === 'pchat' && /^[\w@.:+-]{1,128}$/.test(value)) return value;
      throw new AppError(
        'invalid:recipient',
        `"${value}" is not a valid ${CHANNEL_LABELS[channel]} recipient: use an @username (5–32 letters, digits or _) or a numeric id.`,
      );
    }
    case 'notify':
      // Push notifications go to the relay's own device; a recipient is not used.
      return '';
  }
}

/**
 * Check a proposed send request and return it normalised (E.164 phones,
 * lower-case emails, trimmed text). Throws AppError with a sentence that says
 * which field is wrong and why.
 */
export function validateSendRequest(request: SendRequest, defaultRegion: string): SendRequest {
  assertStorable('to', request.to);
  assertStorable('text', request.text);
  assertStorable('subject', request.subject);
  const to = normalizeRecipient(request.channel, request.to, defaultRegion);
  const text = request.text.trim();
  if (!text) throw new AppError('invalid:text', 'The message is empty: what should it say?');
  const limit = TEXT_LIMITS[request.channel];
  if (text.length > limit) {
    throw new AppError(
      'invalid:text',
      `The message is ${text.length} characters; ${CHANNEL_LABELS[request.channel]} allows at most ${limit}.`,
    );
  }
  const subject = request.channel === 'email' ? oneLineSubject(request.subject) : null;
  if (subject && subject.length > SUBJECT_LIMIT) {
    throw new AppError('invalid:text', `The subject is ${subject.length} characters; at most ${SUBJECT_LIMIT} are allowed.`);
  }
  return { channel: request.channel, to, text, subject };
}

/**
 * Every control character (C0, DEL, C1 — CR, LF, \v, \f, U+0085 among them)
 * and the Unicode line and paragraph separators: any of them in a subject can
 * start a new mail header line or split the subject in a client.
 */
const SUBJECT_BREAKS = /\s*[\p{Cc}\u2028\u2029]+\s*/gu;

/** The subject on one line: each run of breaks and controls becomes one space; empty is none. */
function oneLineSubject(subject: string | null): string | null {
  return subject?.replace(SUBJECT_BREAKS, ' ').trim() || null;
}
