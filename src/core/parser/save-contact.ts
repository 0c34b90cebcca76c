import type { Channel } from '../send-request.js';
import { addressAtStart, type RawAddress } from './address.js';
import { channelOfWord } from './lexicon.js';

/** "save Bob as +15551234567", "save bob's email as bob@x.com", "add contact bob @bobby on telegram". */
export interface SaveContactCommand {
  name: string;
  address: RawAddress;
  /** A channel the person named ("on WhatsApp", "bob's whatsapp"); otherwise the address decides. */
  channel?: Channel | undefined;
}

const VERB = '(?:save|add|store|remember)\\s+(?:a\\s+)?(?:new\\s+)?(?:contact\\s*:?\\s+)?';
/** Words that show the "name" is really part of a sentence ("add this email to my contacts"). */
const NOT_NAME_WORDS = /\b(?:to|for|the|this|that|email|e-mail|message|text|number|contact|contacts|address|my|me|new|list)\b/i;
const FIELD = "(?:'s|s')\\s+(number|phone(?: number)?|mobile|cell|e-?mail(?: address)?|address|whats ?app(?: number)?|telegram(?: handle| username| id)?|username|handle)";
const TAIL_CHANNEL = '(?:\\s+(?:on|for|via|by)\\s+(sms|text|whats ?app|wa|telegram|tg|e-?mail))?';
// Name words may hold an apostrophe (O'Brien) but not a possessive 's, which introduces the field.
const WORD = "[a-z][a-z.-]*(?:'(?!s\\b)[a-z]+)?";
const NAME = `(${WORD}(?:\\s+${WORD}){0,3}?)`;

const NAME_AS_ADDRESS = new RegExp(`^${VERB}${NAME}(?:${FIELD})?\\s+(?:as|=|:|is|with)\\s+(?:(?:number|email|address)\\s+)?(\\S+(?:\\s+\\S+){0,4}?)${TAIL_CHANNEL}\\s*[.!]?$`, 'i');
const NAME_THEN_ADDRESS = new RegExp(`^${VERB}${NAME}\\s+([+@(\\d]\\S*(?:\\s+[\\d()-]+){0,4}|\\S+@\\S+)${TAIL_CHANNEL}\\s*[.!]?$`, 'i');
const ADDRESS_AS_NAME = new RegExp(`^${VERB}(\\S+(?:\\s+[\\d()-]+){0,4})\\s+(?:as|for)\\s+(?:(?:a\\s+)?(?:new\\s+)?contact\\s+(?:for|named|called)\\s+)?${NAME}${TAIL_CHANNEL}\\s*[.!]?$`, 'i');

/**
 * Read a "save a contact" command. Null when the words are not one; the address
 * is returned as written so the caller validates it for the channel.
 */
export function parseSaveContact(text: string, defaultRegion: string): SaveContactCommand | null {
  const t = text.trim();
  const tries: Array<[RegExp, 'name-first' | 'address-first']> = [
    [NAME_AS_ADDRESS, 'name-first'],
    [NAME_THEN_ADDRESS, 'name-first'],
    [ADDRESS_AS_NAME, 'address-first'],
  ];
  for (const [re, order] of tries) {
    const m = re.exec(t);
    if (!m) continue;
    const name = order === 'name-first' ? m[1] : m[2];
    const field = order === 'name-first' && re === NAME_AS_ADDRESS ? m[2] : undefined;
    const rawAddress = order === 'name-first' ? (re === NAME_AS_ADDRESS ? m[3] : m[2]) : m[1];
    const channelWord = re === NAME_AS_ADDRESS ? m[4] : m[3];
    if (!name || !rawAddress) continue;
    const found = addressAtStart(rawAddress, defaultRegion);
    if (!found || found.rest.trim()) continue;
    const cleanName = name.replace(/^(?:my)\s+/i, '').trim();
    if (NOT_NAME_WORDS.test(cleanName) || /^(?:it|a|an)$/i.test(cleanName)) continue;
    const channel = channelFromField(channelWord ?? field);
    return { name: cleanName, address: found.address, channel };
  }
  return null;
}

function channelFromField(word: string | undefined): Channel | undefined {
  if (!word) return undefined;
  if (/whats ?app|^wa$/i.test(word)) return 'wa';
  if (/telegram|tg|username|handle/i.test(word)) return 'tg';
  if (/mail/i.test(word)) return 'email';
  if (/number|phone|mobile|cell|sms|text/i.test(word)) return 'sms';
  return channelOfWord(word);
}
