import type { Interpretation, InterpretContext, PartialSendRequest } from '../interpretation.js';
import { channelForAddress, findAddress, resolveAddress } from './address.js';
import { completeOrAsk } from './assemble.js';
import { readTail } from './body.js';
import { readFrame } from './frame.js';
import { channelOfWord } from './lexicon.js';
import { nonSendTopic } from './non-send.js';
import { readRecipient } from './recipient.js';
import { splitSubject } from './subject.js';
import { cleanBody, stripFillers, wordCount } from './text-utils.js';

/**
 * The person is answering our last question. Fill what was missing — first the
 * recipient, then the text, then the channel — from `text`. Returns null when
 * the words are not an answer but a new request (the caller parses them fresh).
 */
export function continueRequest(text: string, pending: PartialSendRequest, ctx: InterpretContext): Interpretation | null {
  const s = stripFillers(text);
  const needsTo = pending.to === undefined && pending.channel !== 'notify';
  const frame = readFrame(s, ctx);
  const framed = frame?.recipient;

  // A new request for someone else starts over; "tell him …" or "email it to x@y.z" continues.
  if (frame && framed && (framed.kind === 'name' || framed.kind === 'group') && (!needsTo || (pending.toName && framed.kind === 'name' && framed.name !== pending.toName.toLowerCase()))) {
    return null;
  }
  // A whole request of its own ("email ops@x.com subject Up: all good") replaces the waiting one.
  if (frame && framed?.kind === 'address' && (!needsTo || frame.body)) return null;

  const next: PartialSendRequest = { ...pending };
  let used = s;

  if (needsTo) {
    const found = findAddress(s, ctx.defaultRegion);
    if (found) {
      const channel = frame?.channel ?? pending.channel ?? channelForAddress(found.address);
      const resolved = resolveAddress(channel, found.address, ctx.defaultRegion);
      if ('error' in resolved) return { kind: 'question', text: `${resolved.error} Reply with another one, or say "cancel".`, partial: pending };
      next.to = resolved.to;
      next.channel = channel;
      used = found.rest;
      if (frame?.body && !next.text) next.text = frame.body;
    } else if (frame && framed?.kind === 'name') {
      next.toName = framed.name;
      if (frame.channel) next.channel = frame.channel;
      if (frame.body && !next.text) next.text = frame.body;
      if (frame.subject && !next.subject) next.subject = frame.subject;
      return completeOrAsk(next, ctx, framed.display);
    } else {
      const named = readRecipient(s, ctx);
      if (named && named.recipient.kind === 'name' && !named.rest.trim() && wordCount(s) <= 4) {
        next.toName = named.recipient.name;
        return completeOrAsk(next, ctx, named.recipient.display);
      }
      const channelOnly = channelAnswer(s);
      if (channelOnly) return completeOrAsk({ ...next, channel: channelOnly }, ctx);
      if (nonSendTopic(s)) return null;
      // "text dave" → "running late": the words were asked for too, so they are kept while the recipient is still missing.
      const wordsAnswer = framed ? null : answerWords(text, next, ctx);
      if (wordsAnswer) return wordsAnswer;
      if (wordCount(s) > 4) return null;
      const who = pending.toName ? ` for ${pending.toName}` : '';
      return { kind: 'question', text: `I still need a phone number, email or @username${who}. Reply with one, or say "cancel".`, partial: pending };
    }
  }

  if (!next.text) {
    const channelOnly = channelAnswer(used);
    if (channelOnly && !next.channel) return completeOrAsk({ ...next, channel: channelOnly }, ctx);
    // The answer is the message itself: read it unstripped, so "hi there" keeps its "hi".
    const answer = needsTo ? used : text.replace(/^(?:please|ok(?:ay)?|sure|yes)\b[,!.]?\s+/i, '');
    if (fillWords(next, answer, frame?.body, needsTo, ctx)) return completeOrAsk(next, ctx);
  } else if (!next.channel) {
    const channelOnly = channelAnswer(used);
    if (channelOnly) next.channel = channelOnly;
  }
  return completeOrAsk(next, ctx);
}

/**
 * The words of the message (and an email's subject) from an answer given while
 * the recipient is still missing; null when the answer holds neither.
 */
function answerWords(text: string, pending: PartialSendRequest, ctx: InterpretContext): Interpretation | null {
  const next: PartialSendRequest = { ...pending };
  const answer = text.replace(/^(?:please|ok(?:ay)?|sure|yes)\b[,!.]?\s+/i, '');
  if (pending.text) {
    // The words are known; only an email's subject may still come ("subject Running late").
    const split = next.channel === 'email' && next.subject === undefined ? splitSubject(answer) : null;
    if (split?.subject === undefined || split.rest.trim()) return null;
    next.subject = split.subject;
    return completeOrAsk(next, ctx, pending.toName);
  }
  fillWords(next, answer, undefined, true, ctx);
  if (next.text === pending.text && next.subject === pending.subject) return null;
  return completeOrAsk(next, ctx, pending.toName);
}

/** Fill `next.text` (and, for email, `next.subject`) from an answer. True when a subject was read. */
function fillWords(next: PartialSendRequest, answer: string, frameBody: string | undefined, hadAddress: boolean, ctx: InterpretContext): boolean {
  if (next.channel === 'email' && next.subject === undefined) {
    const split = splitSubject(answer);
    if (split.subject !== undefined) {
      next.subject = split.subject;
      const body = split.bodyIsBare ? cleanBody(split.rest) : bodyFrom(split.rest, undefined, true, ctx);
      if (body) next.text = body;
      return true;
    }
  }
  const body = bodyFrom(answer, frameBody, hadAddress, ctx);
  if (body) next.text = body;
  return false;
}

/** The message body from an answer: "running late", "tell him I'm on my way", `"see you at 6"`. */
function bodyFrom(used: string, frameBody: string | undefined, hadAddress: boolean, ctx: InterpretContext): string | undefined {
  if (!hadAddress && frameBody) return frameBody;
  const rest = used.trim();
  if (!rest) return undefined;
  const tail = readTail(rest, ctx, true);
  return tail.body ?? (cleanBody(rest) || undefined);
}

/** "sms", "by email", "on WhatsApp please". */
function channelAnswer(s: string): PartialSendRequest['channel'] {
  const m = /^(?:(?:send\s+it\s+)?(?:by|via|on|over|through|as|use|using)\s+)?(?:an?\s+)?([a-z -]+?)(?:\s+please)?[.!]?$/i.exec(s.trim());
  if (!m?.[1] || wordCount(m[1]) > 2) return undefined;
  return channelOfWord(m[1]);
}
