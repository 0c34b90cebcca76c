/**
 * Text clean-up shared by the parser. Matching is case-insensitive on the
 * person's own text, so message bodies keep their case and punctuation.
 */

const TLDS = '(?:com|org|net|edu|gov|io|co|us|uk|de|fr|ca|au|in|info|biz|me|dev|app)';

/** Curly quotes → straight, spoken emails → written, runs of spaces → one. */
export function normaliseInput(raw: string): string {
  let s = raw.normalize('NFC').replace(/[\u2018\u2019\u201B\u2032]/g, "'").replace(/[\u201C\u201D\u201F\u2033«»]/g, '"');
  // A Slack mention of the bot ("<@U123ABC> text bob hi") is not part of the request.
  s = s.replace(/^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[,:]?\s*/, '');
  s = s.replace(/[\t\r\n]+/g, ' ').replace(/ {2,}/g, ' ').trim();
  return spokenEmails(s);
}

/**
 * "jack@gmail dot com" and "brandon at example dot com" → written addresses.
 * The "at" form needs the "dot <tld>" ending, so ordinary sentences with "at" stay as they are.
 */
function spokenEmails(s: string): string {
  const withAt = new RegExp(`\\b([a-z0-9._%+-]+@[a-z0-9-]+(?:(?:\\.|\\s+dot\\s+)[a-z0-9-]+)*)\\s+dot\\s+(${TLDS})\\b`, 'gi');
  s = s.replace(withAt, (_m, left: string, tld: string) => `${left.replace(/\s+dot\s+/gi, '.')}.${tld}`);
  const spoken = new RegExp(`\\b([a-z0-9._%+-]+)\\s+at\\s+([a-z0-9-]+(?:\\s+dot\\s+[a-z0-9-]+)*)\\s+dot\\s+(${TLDS})\\b`, 'gi');
  return s.replace(spoken, (_m, user: string, domain: string, tld: string) => `${user}@${domain.replace(/\s+dot\s+/gi, '.')}.${tld}`);
}

const FILLERS: RegExp[] = [
  /^(?:hey|hi|hello|ok|okay|so|um+|uh+|yo|oh|alright|right|well)\b[,!.]?\s+/i,
  /^(?:hey\s+)?(?:alexa|siri|olly|google|ok google|relaybot|relay bot|bot|cortana|computer)\b[,!.]?\s*/i,
  /^(?:please|pls|plz|kindly|quickly|quick|just|now|go ahead and|also|and)\b[,]?\s+/i,
  /^(?:can|could|would|will|wo?uld)\s+(?:you|u|ya)\s+(?:please\s+)?(?:help\s+me\s+(?:to\s+)?)?/i,
  /^(?:do you mind|would you mind)\s+/i,
  /^(?:please\s+)?help\s+me\s+(?:to\s+)?(?=\w)/i,
  /^(?:i|we)\s*(?:'d|would)\s+(?:like|love|want)\s+(?:you\s+)?(?:to\s+)?/i,
  /^(?:i|we)\s+(?:want|need|wish|wanna|gotta|must|should|have|got)\s+(?:you\s+)?(?:to\s+)?(?:please\s+)?/i,
  /^(?:i'm|im|i am|we're|we are)\s+(?:going|trying|about|wanting|hoping)\s+to\s+/i,
  /^(?:let's|lets)\s+(?=send|text|email|write|message)/i,
  /^(?:write|compose|type|make)\s+and\s+(?=send\b)/i,
  /^(?:it's|its)\s+time\s+to\s+/i,
];

/** Remove greetings, wake words and politeness from the front, repeatedly. */
export function stripFillers(s: string): string {
  let out = s.trim();
  for (let guard = 0; guard < 8; guard++) {
    const before = out;
    for (const re of FILLERS) out = out.replace(re, '');
    if (out === before) break;
  }
  return out.trim();
}

/** Remove a trailing "please", "for me", "now", "asap"-free politeness from a recipient or head phrase. */
export function stripTrailingPoliteness(s: string): string {
  let out = s.trim();
  for (let guard = 0; guard < 4; guard++) {
    const before = out;
    out = out.replace(/[\s,]*(?:\bplease\b|\bfor me\b|\bnow\b|\bthanks\b|\bthank you\b|[.!?]+)\s*$/i, '').trim();
    if (out === before) break;
  }
  return out;
}

/** Trim a message body: spaces, surrounding quotes, a dangling connector comma. */
export function cleanBody(raw: string): string {
  let s = raw.trim().replace(/^[,:;.\s]+/, '').trim();
  const quoted = /^(["'])([\s\S]*)\1\s*(?:,?\s*(?:pls|please|plz|thanks|thx|for me))?[.!]?$/i.exec(s);
  if (quoted?.[2]?.trim()) return quoted[2].trim();
  // An opening quote never closed ("text john with the message 'where are you").
  if (/^["']/.test(s) && !/["']\s*$/.test(s.slice(1)) && s.slice(1).indexOf(s[0] ?? '') === -1) s = s.slice(1);
  // A dangling "to" is an unfinished sentence ("communicate via text to"), not a message.
  return /^(?:to|for)$/i.test(s.trim()) ? '' : s.trim();
}

/** Count words. */
export const wordCount = (s: string): number => (s.trim() ? s.trim().split(/\s+/).length : 0);

/** Escape text for use inside a RegExp. */
export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Capitalise the first letter, for names shown in questions. */
export const titleCase = (s: string): string => s.replace(/\b([a-z])/g, (c) => c.toUpperCase());
