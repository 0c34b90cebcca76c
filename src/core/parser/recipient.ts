import type { InterpretContext } from '../interpretation.js';
import { addressAtStart, type RawAddress } from './address.js';
import { COMMON_WORDS } from './common-words.js';
import { NOT_A_NAME, ONE_WORD_BODIES, PRONOUNS, RELATIONS, TITLES } from './lexicon.js';
import { escapeRegExp } from './text-utils.js';

/** Who a message is for, as written. */
export type Recipient =
  | { kind: 'address'; address: RawAddress }
  | { kind: 'self' }
  /** `name` is what to look up ("bob", "boss"); `display` how to say it back ("Bob", "your boss"). */
  | { kind: 'name'; name: string; display: string }
  | { kind: 'group'; phrase: string }
  /** "someone", "this contact", or a pronoun ("him") that points back at an earlier turn. */
  | { kind: 'vague'; pronoun: boolean };

export interface RecipientMatch {
  recipient: Recipient;
  rest: string;
}

/** Words that open a body right after a name: "text bob and tell him…", "text bob saying…". */
export const CONNECTOR_START =
  /^\s*(?:[,:;"]|[—–]|-\s|and\s+(?:tell|ask|let|say|inform|remind|invite|give|send|then)\b|and\s+(?:an?\s+)?(?:text|message|e-?mail|mail|whats ?app|telegram|sms)\s*$|(?:tell|telling|ask|asking|let|say|saying|says|that|which|who|to|with|about|regarding|re:|via|by|on|over|through|using|in|for\s+me|please|now|the\s+message|message:|text:|subject|body|(?:a|an)\s+(?:text|message|e-?mail|mail|whats ?app|telegram|sms|note|line|push|notification|dm)\b)\b|$)/i;

const NAME_WORD = /^[a-z][a-z.'-]*$/i;
function isNameWord(raw: string | undefined): raw is string {
  const w = (raw ?? '').replace(/[,:;!?]+$/, '');
  return !!w && NAME_WORD.test(w) && !NOT_A_NAME.has(w.toLowerCase()) && !/'(?!s$)/.test(w) && !/\.$/.test(w.replace(/^(?:mr|mrs|ms|dr|st)\.$/i, ''));
}
const endsClause = (w: string | undefined): boolean => /[,:;!?]$/.test(w ?? '');

/** Read who the message is for at the start of `s` (after "to" has been removed). */
export function readRecipient(s: string, ctx: InterpretContext): RecipientMatch | null {
  const text = s
    .trimStart()
    .replace(/^(?:to|for)\s+/i, '')
    // "the number 555 201 3344", "the address ops@x.com": the noun before an address.
    .replace(/^(?:the\s+|this\s+)?(?:(?:phone|mobile|cell)\s+)?(?:number|e-?mail address|address|handle|username)\s*:?\s+(?=[+(\d@]|[^\s@]+@)/i, '');
  const address = addressAtStart(text, ctx.defaultRegion);
  if (address) {
    // "+1555… and +1555…": two recipients; never send to just the first.
    const more = /^\s*(?:,|and|or|&|\/)\s*/i.exec(address.rest);
    if (more && addressAtStart(address.rest.slice(more[0].length), ctx.defaultRegion)) {
      return { recipient: { kind: 'group', phrase: `${address.address.raw} and others` }, rest: '' };
    }
    return { recipient: { kind: 'address', address: address.address }, rest: address.rest };
  }

  const self = /^(?:me|myself|my\s+(?:phone|device))\b/i.exec(text);
  if (self) return { recipient: { kind: 'self' }, rest: text.slice(self[0].length) };

  const vague = /^(?:someone|somebody|anyone|anybody|a\s+(?:friend|contact|person)|(?:this|that|the|a|my)\s+(?:new\s+)?(?:contact|person|number|address)(?:\s+(?:id|address))?|new\s+contact|(?:him|her|them|it))\b/i.exec(text);
  if (vague) {
    return { recipient: { kind: 'vague', pronoun: PRONOUNS.has(vague[0].toLowerCase()) }, rest: text.slice(vague[0].length) };
  }

  const known = knownContactAtStart(text, ctx.contactNames ?? []);
  if (known) return withAddress(withGroup(known, ctx), ctx);

  const named = relationOrName(text);
  return named ? withAddress(withGroup(named, ctx), ctx) : null;
}

/**
 * "text bob at +15551234567 hi", "email ann (ann@x.com) …": the written address
 * wins over the name, so the message never goes to a saved one instead.
 */
function withAddress(match: RecipientMatch, ctx: InterpretContext): RecipientMatch {
  if (match.recipient.kind !== 'name') return match;
  const m = /^\s*(?:,\s*)?(?:at|on|via|@|-|:)?\s*\(?(?=[+\d(]|[^\s@]+@|@\w)/i.exec(match.rest);
  if (!m) return match;
  const found = addressAtStart(match.rest.slice(m[0].length), ctx.defaultRegion);
  if (!found || (found.address.kind === 'phone' && found.address.raw.replace(/\D/g, '').length < 7)) return match;
  return { recipient: { kind: 'address', address: found.address }, rest: found.rest.replace(/^\)/, '') };
}

/** The longest saved contact name at the start, so "text mary ann hi" finds "Mary Ann". */
function knownContactAtStart(text: string, names: string[]): RecipientMatch | null {
  const sorted = [...names].sort((a, b) => b.length - a.length);
  for (const name of sorted) {
    const m = new RegExp(`^(?:my\\s+)?${escapeRegExp(name)}(?![\\w@])`, 'i').exec(text);
    if (m) return { recipient: { kind: 'name', name: name.toLowerCase(), display: name }, rest: text.slice(m[0].length) };
  }
  return null;
}

/** "my brother mike", "my boss", "uncle john", "ms palmer", "george brown", "bob". */
function relationOrName(text: string): RecipientMatch | null {
  const words = text.split(/\s+/);
  let i = 0;
  let possessive = false;
  if (/^(?:all|both)$/i.test(words[i] ?? '') && /^(?:of\s+)?my$/i.test(words[i + 1] ?? '')) i += 1;
  if (/^of$/i.test(words[i] ?? '')) i += 1;
  if (/^(?:my|our|the)$/i.test(words[i] ?? '')) {
    possessive = /^(?:my|our)$/i.test(words[i] ?? '');
    i += 1;
  }
  const start = i;
  // A relation, possibly two words ("co worker", "best friend"), and maybe a name after it.
  const two = `${words[i] ?? ''} ${words[i + 1] ?? ''}`.toLowerCase();
  let relation: string | null = null;
  if (/^(?:co workers?|best friend|little brother|big sister|little sister|big brother|regional vp)$/.test(two)) {
    relation = two;
    i += 2;
  } else if (RELATIONS.has(strip(words[i]))) {
    relation = strip(words[i]);
    i += 1;
  } else if (TITLES.has(strip(words[i]).replace(/\.$/, '')) && !endsClause(words[i]) && isNameWord(words[i + 1]) && !COMMON_WORDS.has(strip(words[i + 1]))) {
    // "ms palmer", "uncle john", "sgt adam": the title belongs to the name.
    const name = `${strip(words[i])} ${strip(words[i + 1])}`;
    return done(words, i + 2, name, name);
  }
  if (relation) {
    const next = words[i];
    // "my brother mike and tell him…": a name right after the relation, then a connector or the end.
    if (!endsClause(words[i - 1]) && isNameWord(next) && !COMMON_WORDS.has(strip(next)) && !ONE_WORD_BODIES.has(strip(next)) && CONNECTOR_START.test(words.slice(i + 1).join(' '))) {
      return done(words, i + 1, strip(next), strip(next));
    }
    return done(words, i, relation, possessive ? `your ${relation}` : relation);
  }
  // "my something" that is not a known relation ("my appointments") is not a person we can name.
  if (i > start || !isNameWord(words[i])) return null;
  if (possessive || /^the$/i.test(words[start - 1] ?? '')) return null;
  const first = strip(words[i]);
  if (COMMON_WORDS.has(first) || ONE_WORD_BODIES.has(first)) return null;
  const second = words[i + 1];
  // Two-word names only when the second word cannot start a message and a body or the end follows.
  if (
    !endsClause(words[i]) &&
    isNameWord(second) &&
    !COMMON_WORDS.has(strip(second)) &&
    !ONE_WORD_BODIES.has(strip(second)) &&
    CONNECTOR_START.test(words.slice(i + 2).join(' '))
  ) {
    return done(words, i + 2, `${first} ${strip(second)}`, `${first} ${strip(second)}`);
  }
  return done(words, i + 1, first, first);
}

function strip(w: string | undefined): string {
  return (w ?? '').toLowerCase().replace(/[,:;!?]+$/, '').replace(/'s$/, '');
}

function done(words: string[], end: number, name: string, display: string): RecipientMatch {
  // Keep a trailing comma or colon on the rest: it marks where the body starts.
  const consumed = words.slice(0, end);
  const last = consumed[consumed.length - 1] ?? '';
  const punct = /([,:;]+)$/.exec(last)?.[1] ?? '';
  const rest = (punct ? `${punct} ` : ' ') + words.slice(end).join(' ');
  return { recipient: { kind: 'name', name: name.replace(/[,:;]+$/, ''), display: display.replace(/[,:;]+$/, '') }, rest };
}

/** "mom and dad", "bill and craig": more than one person. */
function withGroup(match: RecipientMatch, ctx: InterpretContext): RecipientMatch {
  const m = /^\s*(and|&|,)\s+(?:my\s+)?([a-z][a-z'-]*)\b/i.exec(match.rest);
  if (!m?.[2] || match.recipient.kind !== 'name') return match;
  const other = m[2].toLowerCase();
  const known = RELATIONS.has(other) || (ctx.contactNames ?? []).some((n) => n.toLowerCase() === other);
  // After a comma the body usually starts ("text dave, i'll be there"): only a known person makes a list.
  const nameLike = !/'/.test(other) && !COMMON_WORDS.has(other) && !NOT_A_NAME.has(other) &&
    !/^(?:tell|ask|let|say|inform|remind|invite|give|send|then)$/.test(other);
  if (!(known || (m[1] !== ',' && nameLike))) return match;
  return { recipient: { kind: 'group', phrase: `${match.recipient.name} and ${other}` }, rest: match.rest.slice(m[0].length) };
}
