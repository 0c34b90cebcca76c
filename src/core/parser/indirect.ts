import type { InterpretContext } from '../interpretation.js';
import { ARTICLE_NOUN, readTail } from './body.js';
import { readFrame, type Frame } from './frame.js';
import { channelOfWord } from './lexicon.js';
import { nonSendTopic } from './non-send.js';
import { readRecipient, type Recipient } from './recipient.js';
import { cleanBody, wordCount } from './text-utils.js';

/**
 * Requests said indirectly. Read only after the direct heads in frame.ts found
 * nothing. Like every frame they draft only with an explicit address, a channel
 * and the words; most name a person but leave the words to ask for.
 *
 * - "send ashley her new schedule": a person and a thing rather than words;
 * - "the invite has to be sent to priya": passive, the recipient after "sent to";
 * - "say congratulations to her on her whatsapp": the words, then the person.
 */
export function readIndirect(s: string, ctx: InterpretContext): Frame | null {
  return personAndThing(s, ctx) ?? passive(s, ctx) ?? sayTo(s, ctx);
}

const PERSON_THING = /^(?:send|forward)\s+/i;
const THING_START = /^\s*(?:his|her|their|my|our|your|the|some|this|that|these|those|a|an)\s+\S/i;

/**
 * "send R his/the/a X" where X is not a channel: R is clear, the words are not.
 * Only a name (not "me", not an address): "send me the news" asks relaybot for content.
 */
function personAndThing(s: string, ctx: InterpretContext): Frame | null {
  const head = PERSON_THING.exec(s);
  if (!head) return null;
  const r = readRecipient(s.slice(head[0].length), ctx);
  if (r?.recipient.kind !== 'name' || !THING_START.test(r.rest) || ARTICLE_NOUN.test(r.rest)) return null;
  const tail = readTail(r.rest, ctx, true);
  return tail.body ? { recipient: r.recipient, channel: tail.channel, object: tail.body } : null;
}

const PASSIVE = /^(.+?)\s+(?:(?:is|are|has|have|needs?)\s+to|must|should|shall)\s+be\s+sent\s+(?:only\s+|just\s+|over\s+)?(?:to|for)\s+(.+)$/i;

/**
 * "the invite has to be sent to priya", "an email should be sent to my landlord".
 * The subject is the channel when it names one and the words when quoted;
 * anything else ("the invite") is not words to send, so the question asks for them.
 */
function passive(s: string, ctx: InterpretContext): Frame | null {
  const m = PASSIVE.exec(s);
  if (!m?.[1] || !m[2]) return null;
  const r = readRecipient(m[2], ctx);
  if (!r || r.recipient.kind === 'self' || r.recipient.kind === 'vague' && !r.recipient.pronoun) return null;
  const tail = readTail(r.rest, ctx, true);
  const noun = ARTICLE_NOUN.exec(m[1]);
  const subjectIsChannel = noun?.[0].trim().length === m[1].trim().length;
  const quoted = /^\s*(["']).+\1\s*$/.test(m[1]) ? cleanBody(m[1]) : undefined;
  return { recipient: r.recipient, channel: tail.channel ?? (subjectIsChannel && noun?.[1] ? channelOfWord(noun[1]) : undefined), body: quoted };
}

const SAY_HEAD = /^(?:say|wish)\s+(.+)$/i;

/**
 * "say well done to her on her whatsapp", "wish happy birthday to mom by text": the
 * words come first, the person after the last "to" that reads as a recipient
 * with nothing but a channel after it.
 */
function sayTo(s: string, ctx: InterpretContext): Frame | null {
  const m = SAY_HEAD.exec(s);
  if (!m?.[1]) return null;
  const text = m[1];
  const tos = [...text.matchAll(/\s+to\s+/gi)].reverse();
  for (const to of tos) {
    const words = cleanBody(text.slice(0, to.index));
    const r = readRecipient(text.slice((to.index ?? 0) + to[0].length), ctx);
    if (!words || !r || r.recipient.kind === 'self' || (r.recipient.kind === 'vague' && !r.recipient.pronoun)) continue;
    const tail = readTail(r.rest, ctx, true);
    if (tail.body) continue;
    return { recipient: r.recipient, channel: tail.channel, body: words };
  }
  return null;
}

/** Verbs that can start a request inside a longer sentence. */
const CLAUSE_VERB = /\b(?:please\s+)?(?:say|wish|tell|text|e-?mail|message|send|let)\b/gi;
/** A word before the verb that makes it a statement, not a request ("i will tell her", "he didn't text"). */
const NOT_A_REQUEST_BEFORE =
  /\b(?:i|you|he|she|we|they|it|who|will|would|can|could|should|shall|may|might|must|not|don't|didn't|doesn't|won't|never|did|does|do|if|when|whether)\s*$/i;
const TO_BEFORE = /\bto\s*$/i;
const WANT_TO_BEFORE = /\b(?:want|wanna|like|need|have|love)\s+to\s*$/i;

/**
 * A request after a story: "the neighbours fed our cat so text them a big thank you",
 * "robbie needs to know so could you text robbie …". The request must name
 * someone (a pronoun stays unresolved: the question asks who) and a channel or
 * words; a pronoun is never guessed from the story, which could mean the wrong person.
 */
export function readEmbedded(s: string, ctx: InterpretContext): Frame | null {
  const polite = /\b(?:so|then|and)\s+(?:can|could|would|will)\s+you\s+(?:please\s+)?(.+)$/i.exec(s);
  if (polite?.[1] && !nonSendTopic(polite[1], false)) {
    const frame = readFrame(polite[1], ctx);
    if (frame) return frame;
  }
  for (const verb of s.matchAll(CLAUSE_VERB)) {
    const before = s.slice(0, verb.index);
    if (wordCount(before) < 3 || NOT_A_REQUEST_BEFORE.test(before) || (TO_BEFORE.test(before) && !WANT_TO_BEFORE.test(before))) continue;
    const clause = s.slice(verb.index).replace(/^please\s+/i, '');
    if (nonSendTopic(clause, false)) continue;
    const frame = readFrame(clause, ctx) ?? readIndirect(clause, ctx);
    if (frame && namesSomeone(frame.recipient) && (frame.body || frame.channel)) return frame;
  }
  return null;
}

function namesSomeone(r: Recipient | undefined): boolean {
  return r !== undefined && r.kind !== 'self' && (r.kind !== 'vague' || r.pronoun);
}
