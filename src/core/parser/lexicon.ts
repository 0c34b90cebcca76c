import type { Channel } from '../send-request.js';

/**
 * Words people use for channels. `null` marks a generic word ("message") that
 * names no channel: the address or the contact decides it later.
 */
const CHANNEL_WORDS: ReadonlyArray<[RegExp, Channel | null]> = [
  [/^(?:push(?:[ -]notification)?|notification|notif|notify)$/i, 'notify'],
  [/^(?:whats ?app|wa)(?: message)?$/i, 'wa'],
  [/^(?:telegram|tg)(?: message)?$/i, 'tg'],
  [/^(?:e-?mail|mail|gmail)(?: message)?$/i, 'email'],
  [/^(?:text|txt|sms|texts)(?: message)?$/i, 'sms'],
  [/^(?:sms|text) msg$/i, 'sms'],
  [/^(?:message|msg|note|dm|direct message|line)$/i, null],
];

/** Regex source matching one channel noun ("text message", "e-mail", "whatsapp"…), longest first. */
export const CHANNEL_NOUN =
  '(?:push[ -]notification|notification|notif|push|whats ?app(?: message)?|wa message|telegram(?: message)?|tg message|' +
  'e-?mail(?: message)?|mail|gmail|text message|sms message|text msg|texts?|txt|sms|message|msg|note|direct message|dm)';

/** Regex source for a verb that is itself a channel ("text bob", "whatsapp +44…", "email a@b.c"). */
export const CHANNEL_VERB =
  '(?:text(?: message)?|txt|sms|message|msg|e-?mail|mail|whats ?app|wa|telegram|tg|dm|ping|notify|push(?:[ -]notification)?|notification)';

/** The channel a noun or verb names; undefined when the word is generic ("message"). */
export function channelOfWord(word: string): Channel | undefined {
  const w = word.trim().replace(/\s+/g, ' ');
  for (const [re, channel] of CHANNEL_WORDS) if (re.test(w)) return channel ?? undefined;
  if (/^ping$/i.test(w)) return undefined;
  if (/^text(?:ed)?$/i.test(w)) return 'sms';
  if (/^(?:e-?mailed|mailed)$/i.test(w)) return 'email';
  if (/^notified$/i.test(w)) return 'notify';
  return undefined;
}

/** "on WhatsApp", "by text", "via email", "over telegram" — a channel named after the fact. */
export const CHANNEL_SUFFIX = new RegExp(
  `\\s*(?:,\\s*)?\\b(?:via|by|on|over|through|thru|using|in|as|with)\\s+(?:an?\\s+)?(${CHANNEL_NOUN})\\s*[.!]?\\s*$`,
  'i',
);

/** Relations people message by role; the contact book may hold them under that word. */
export const RELATIONS = new Set([
  'mom', 'mum', 'mother', 'dad', 'father', 'mama', 'papa', 'mommy', 'daddy', 'parents', 'wife', 'husband', 'partner',
  'girlfriend', 'boyfriend', 'fiance', 'fiancee', 'son', 'daughter', 'kids', 'brother', 'bro', 'sister', 'sis',
  'sibling', 'cousin', 'aunt', 'auntie', 'uncle', 'grandma', 'grandpa', 'grandmother', 'grandfather', 'granny',
  'nephew', 'niece', 'friend', 'bestie', 'roommate', 'neighbor', 'neighbour', 'boss', 'manager', 'assistant',
  'coworker', 'co-worker', 'colleague', 'team', 'family', 'doctor', 'dentist', 'landlord', 'lawyer', 'teacher',
  'babysitter', 'nanny', 'mother-in-law', 'father-in-law', 'bosses', 'coworkers', 'colleagues', 'friends',
]);

/** Titles that go before a name ("ms palmer", "uncle john", "dr lee"). */
export const TITLES = new Set([
  'mr', 'mrs', 'ms', 'miss', 'dr', 'doctor', 'prof', 'professor', 'uncle', 'aunt', 'auntie', 'grandma', 'grandpa',
  'sgt', 'sergeant', 'captain', 'capt', 'coach', 'officer', 'father', 'sister', 'brother', 'priest', 'pastor', 'rev',
  'cousin',
]);

/** Words that can never be a person's name in the recipient slot. */
export const NOT_A_NAME = new Set([
  'a', 'an', 'the', 'this', 'that', 'these', 'those', 'it', 'him', 'her', 'them', 'us', 'you', 'he', 'she', 'they',
  'someone', 'somebody', 'anyone', 'anybody', 'everyone', 'everybody', 'people', 'person', 'contact', 'to', 'for',
  'and', 'or', 'with', 'saying', 'that', 'says', 'say', 'tell', 'ask', 'let', 'about', 'regarding', 'from', 'of',
  'on', 'in', 'at', 'by', 'via', 'now', 'please', 'again', 'back', 'new', 'some', 'message', 'text', 'email',
  'following', 'reply', 'response', 'i', "i'm", 'im', 'is', 'are', 'was', 'be', 'will', 'can', 'if', 'what',
  'where', 'when', 'who', 'how', 'why', 'which', 'hi', 'hello', 'hey', 'yes', 'no', 'ok', 'okay', 'thanks',
  'there', 'here', 'all', 'my', 'our', 'your', 'his', 'their', 'its', 'up', 'out', 'off', 'over', 'so',
  'notifications', 'notification', 'settings', 'alerts', 'updates', 'account', 'inbox', 'detail', 'details', 'form',
]);

/** Pronouns that point back at someone already mentioned. */
export const PRONOUNS = new Set(['him', 'her', 'them', 'they', 'he', 'she', 'it']);

/** Short messages that stand alone as a whole body ("text mark hello"). */
export const ONE_WORD_BODIES = new Set([
  'hi', 'hello', 'hey', 'yes', 'no', 'ok', 'okay', 'thanks', 'thx', 'congrats', 'congratulations', 'sorry',
  'goodnight', 'night', 'bye', 'cheers', 'yo', 'sure', 'yep', 'nope', 'done', 'omw', 'ty', 'love', 'hiya', 'howdy',
]);

/** A channel's name inside a sentence ("Who should I text?"). */
export const CHANNEL_VERB_FOR: Record<Channel, string> = {
  sms: 'text',
  wa: 'message on WhatsApp',
  tg: 'message on Telegram',
  email: 'email',
  notify: 'notify',
  tg_bot: 'message on Telegram',
  pchat: 'message',
};
