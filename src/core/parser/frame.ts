import type { InterpretContext } from '../interpretation.js';
import type { Channel } from '../send-request.js';
import { addressAtEnd } from './address.js';
import { ARTICLE_NOUN, readTail } from './body.js';
import { CHANNEL_NOUN, CHANNEL_VERB, channelOfWord, RELATIONS } from './lexicon.js';
import { readRecipient, type Recipient } from './recipient.js';
import { splitSubject, topicSubject } from './subject.js';
import { cleanBody, stripTrailingPoliteness, wordCount } from './text-utils.js';

/** A send request as read from the words, before any address is checked. */
export interface Frame {
  channel?: Channel | undefined;
  recipient?: Recipient | undefined;
  body?: string | undefined;
  subject?: string | undefined;
  /** A thing named instead of words ("her updated rota"): relaybot cannot fetch it, so the question says so. */
  object?: string | undefined;
}

const SEND_VERB = '(?:send|sent|dictate|shoot|fire off|drop|give|get|write|compose|create|start|prepare|draft|make|open(?:\\s+up)?|set up|new|begin|type(?:\\s+up)?|publish|put together|do)';
const NOUN_HEAD = new RegExp(`^${SEND_VERB}\\s+(?:me\\s+)?(?:(?:a|an|the|one|this|that|my|and)\\s+)?(?:new\\s+|quick\\s+|short\\s+|brief\\s+)?(${CHANNEL_NOUN})\\b(?:\\s+message\\b)?`, 'i');
const SEND_ME = new RegExp(`^${SEND_VERB}\\s+me\\s+`, 'i');
const RECIPIENT_FIRST = /^(?:send|shoot|drop|give|get|write|fire off|ping)\s+/i;
const VERB_HEAD = new RegExp(`^(${CHANNEL_VERB})(?:\\s+message)?\\b\\s*(?:(?:to|at)\\b\\s*:?\\s*)?`, 'i');
const TELL_HEAD = /^(?:tell|inform|notify|message|msg|ping|dm|write\s+to|contact(?!\s+(?:details?|info|information|list|card|book))|reach out to|get in touch with|communicate(?:\s+with)?)\s+/i;
/** "send this to +1555…: …", "send the following to …": the object is the body still to come. */
const DEICTIC_HEAD = /^(?:send|forward)\s+(?:(?:this|it|the following|the following message|this message|the message|these words)\s*)?(?=to\b|:)/i;
/** "reply to charlotte that …": a message to a person (not inside an email thread, which relaybot cannot see). */
const REPLY_TO_PERSON = new RegExp(`^(?:reply|respond|answer|write back)\\s+(?:(?:with\\s+)?(?:an?\\s+)?(${CHANNEL_NOUN})\\s+)?(?:back\\s+)?to\\s+`, 'i');
/** "via whatsapp tell +1555… …": the channel named before the request. */
const CHANNEL_FIRST = new RegExp(`^(?:via|by|on|over|using|through)\\s+(${CHANNEL_NOUN})\\s*,?\\s+`, 'i');
const LET_KNOW = /^let\s+(.+?)\s+know\b\s*/i;
const PASSIVE_NOUN = new RegExp(`^(?:(?:a|an|the|this)\\s+)?(${CHANNEL_NOUN})\\s+(?:message\\s+)?(?:to be\\s+|be\\s+)?sent\\b\\s*`, 'i');
const HAVE_SENT = new RegExp(`^(?:have|get)\\s+(?:a|an|the)\\s+(${CHANNEL_NOUN})\\s+(?:message\\s+)?sent\\b\\s*`, 'i');
const TO_BE = /^(.+?)\s+(?:needs\s+|has\s+)?to\s+be\s+(texted|e-?mailed|mailed|messaged|notified|pinged|whatsapped)\b\s*/i;
const SEND_BODY_TO = /^send\s+(.+)$/i;
const AND_NOUN_ONLY = new RegExp(`^\\s*and\\s+(?:an?\\s+)?(${CHANNEL_NOUN})\\s*[.!]?\\s*$`, 'i');

/**
 * Read a send request from a sentence whose fillers are gone. Null when the
 * sentence does not start like a request to send something.
 */
export function readFrame(s: string, ctx: InterpretContext): Frame | null {
  const first = CHANNEL_FIRST.exec(s);
  if (first?.[1]) {
    const frame = readFrame(s.slice(first[0].length), ctx);
    return frame ? { ...frame, channel: frame.channel && frame.channel !== 'notify' ? frame.channel : channelOfWord(first[1]) ?? frame.channel } : null;
  }
  const reply = REPLY_TO_PERSON.exec(s);
  if (reply) {
    // "reply to jason's email …" is about a thread; only a person or an address directly after "to" is a recipient.
    const after = s.slice(reply[0].length);
    if (/^\S+'s?\b|^(?:the|my|his|her|their|this|that|last|all|e-?mail)\b|^(?:\S+\s+){0,2}(?:e-?mails?|mail|message|text)\b/i.test(after)) return null;
    // Only with an explicit body ("that …", "saying …", ": …"): "quick reply to jack so …" is not one.
    const r = readRecipient(after, ctx);
    if (!r || !/^\s*(?:[,:—–-]|that\b|saying\b|write\b|with\b|telling\b|and\s+(?:say|tell)\b|"|')/i.test(r.rest)) return null;
    const frame = afterRecipient(after, reply[1] ? channelOfWord(reply[1]) : undefined, ctx);
    return (frame.recipient?.kind === 'name' || frame.recipient?.kind === 'address') && frame.body ? frame : null;
  }
  const deictic = DEICTIC_HEAD.exec(s);
  if (deictic) return afterNoun(s.slice(deictic[0].length), undefined, ctx);
  const noun = NOUN_HEAD.exec(s);
  if (noun?.[1]) {
    const frame = afterNoun(s.slice(noun[0].length), channelOfWord(noun[1]), ctx);
    if (SEND_ME.test(s) && !frame.recipient) frame.recipient = { kind: 'self' };
    return frame;
  }
  const recipientFirst = RECIPIENT_FIRST.exec(s);
  if (recipientFirst) {
    // "send +1555… a text that says …", "send chris a text message …", "drop bob a line".
    const after = s.slice(recipientFirst[0].length);
    const r = readRecipient(after, ctx);
    if (r) {
      // "send omar khan and email": the channel named after "and", nothing else said.
      const n = ARTICLE_NOUN.exec(r.rest) ?? /^\s*(?:a|an)\s+(line)\b/i.exec(r.rest) ?? AND_NOUN_ONLY.exec(r.rest);
      if (n?.[1]) return withRecipient(afterRecipient(r.rest.slice(n[0].length), channelOfWord(n[1]), ctx), r.recipient);
    }
  }
  const verb = VERB_HEAD.exec(s);
  if (verb?.[1]) {
    const channel = channelOfWord(verb[1]);
    const rest = s.slice(verb[0].length);
    // "text an email to donna …", "text a message to alice": the noun may name the channel.
    const n = ARTICLE_NOUN.exec(rest);
    if (n?.[1] && /^\s*(?:a|an|the)\b/i.test(rest)) return afterNoun(rest.slice(n[0].length), channelOfWord(n[1]) ?? channel, ctx);
    return afterRecipient(rest, channel, ctx);
  }
  const tell = TELL_HEAD.exec(s);
  if (tell) return afterRecipient(s.slice(tell[0].length), /^notify/i.test(tell[0]) ? 'notify' : undefined, ctx);
  const let_ = LET_KNOW.exec(s);
  if (let_?.[1]) {
    const r = readRecipient(let_[1], ctx);
    if (!r || r.rest.trim()) return null;
    return withRecipient(bodyFrame(s.slice(let_[0].length), undefined, ctx, true), r.recipient);
  }
  const passive = PASSIVE_NOUN.exec(s) ?? HAVE_SENT.exec(s);
  if (passive?.[1]) return afterNoun(s.slice(passive[0].length), channelOfWord(passive[1]), ctx);
  const toBe = TO_BE.exec(s);
  if (toBe?.[1] && toBe[2]) {
    const r = readRecipient(toBe[1], ctx);
    if (!r || r.rest.trim()) return null;
    return withRecipient(bodyFrame(s.slice(toBe[0].length), channelOfWord(toBe[2]), ctx, true), r.recipient);
  }
  const sendBody = SEND_BODY_TO.exec(s);
  if (sendBody?.[1]) return bodyThenRecipient(sendBody[1], ctx);
  return null;
}

/** After "send a text" / "an email": "to R …", "for R", a body first ("saying hi to abby"), or nothing. */
function afterNoun(rest: string, channel: Channel | undefined, ctx: InterpretContext): Frame {
  const s = rest.replace(/^\s*(?:for me|please|now|real quick)\b[,]?/i, '').trim();
  const to = /^(?:over\s+|across\s+)?(?:to|for|at)\b\s*:?\s*/i.exec(s);
  if (to) return afterRecipient(s.slice(to[0].length), channel, ctx);
  return bodyFrame(s, channel, ctx, false);
}

/** "R B", "R and tell him B", "R: B", with R at the start of `rest`. */
function afterRecipient(rest: string, channel: Channel | undefined, ctx: InterpretContext): Frame {
  const r = readRecipient(rest, ctx);
  if (!r) return bodyFrame(rest, channel, ctx, false);
  return withRecipient(bodyFrame(r.rest, channel, ctx, true), r.recipient);
}

/** Read subject and body from the tail; `recipientKnown` says whether "tell chris" could name someone. */
function bodyFrame(tail: string, channel: Channel | undefined, ctx: InterpretContext, recipientKnown: boolean): Frame {
  let s = stripLeadingPoliteness(tail);
  let subject: string | undefined;
  let trailing: Recipient | undefined;
  if (!recipientKnown) {
    // Recipient last: "send a text saying hi to +15551234567", "… to bob@x.com".
    const end = addressAtEnd(s, ctx.defaultRegion);
    if (end) {
      trailing = { kind: 'address', address: end.address };
      s = end.before;
    } else {
      const named = nameAtEnd(s, ctx);
      if (named) {
        trailing = named.recipient;
        s = named.before;
      }
    }
  }
  const split = splitSubject(s);
  if (split.subject !== undefined) subject = split.subject;
  else if (channel === 'email' || channel === undefined) {
    const topic = topicSubject(s);
    if (topic && channel === 'email') return { channel, recipient: trailing, subject: topic };
  }
  const tail2 = readTail(split.rest, ctx, recipientKnown || !!trailing);
  const body = split.bodyIsBare && split.rest.trim() ? cleanBody(split.rest) : tail2.body;
  return {
    channel: tail2.channel ?? channel,
    recipient: trailing ?? tail2.recipient,
    body: body || undefined,
    subject,
  };
}

/** "send happy new year to john@x.com", "send 'on my way' to +1555… on whatsapp". */
function bodyThenRecipient(s: string, ctx: InterpretContext): Frame | null {
  // "send a hi to": the recipient is still to come.
  const dangling = /^(?:an?\s+)?(.+?)\s+to\s*$/i.exec(s);
  if (dangling?.[1] && !/\b(?:this|that|it)\b/i.test(dangling[1])) return { body: cleanBody(dangling[1]) };
  const f = bodyFrame(s, undefined, ctx, false);
  // "send this content via email": a channel, but the words are still to come.
  if (!f.recipient && f.channel && /^(?:this|that|it|these|the)\b/i.test(s)) return { channel: f.channel };
  if (!f.recipient || f.recipient.kind === 'vague') {
    // "send R B" with R an explicit address or a saved contact.
    const r = readRecipient(s, ctx);
    if (r && (r.recipient.kind === 'address' || isSavedContact(r.recipient, ctx))) {
      return withRecipient(bodyFrame(r.rest, undefined, ctx, true), r.recipient);
    }
    return null;
  }
  return f;
}

function isSavedContact(r: Recipient, ctx: InterpretContext): boolean {
  return r.kind === 'name' && (ctx.contactNames ?? []).some((n) => n.toLowerCase() === r.name);
}

/** "… saying hi to abby" / "… to bro": a short body with a name at the very end. */
function nameAtEnd(s: string, ctx: InterpretContext): { recipient: Recipient; before: string } | null {
  const m = /^(.*\S)\s+to\s+(?:my\s+)?([a-z][a-z'-]*(?:\s+[a-z][a-z'-]*)?)\s*[.!]?$/i.exec(s);
  if (!m?.[1] || !m[2]) return null;
  const r = readRecipient(m[2], ctx);
  if (!r || r.rest.trim() || r.recipient.kind !== 'name') return null;
  const known = isSavedContact(r.recipient, ctx) || RELATIONS.has(r.recipient.name);
  const bodyWords = wordCount(m[1].replace(/^(?:saying|that says|the message|message)\s+/i, ''));
  return known || bodyWords <= 3 ? { recipient: r.recipient, before: m[1] } : null;
}

function withRecipient(frame: Frame, recipient: Recipient): Frame {
  // A recipient named inside the body connector ("send a text and tell chris …") only fills a gap.
  if (frame.recipient && recipient.kind === 'vague') return frame;
  return { ...frame, recipient };
}

function stripLeadingPoliteness(s: string): string {
  return stripTrailingPoliteness(s) === '' ? '' : s.replace(/^\s*(?:for me|please|now)\b[,]?\s*/i, '').trim();
}
