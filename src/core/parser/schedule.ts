/**
 * "text bob at 5pm that …": the time is a schedule, not part of the message.
 * A time phrase counts as the schedule only when it lies outside what the
 * parser reads as the message (and subject), or opens it: "text bob that the
 * meeting is at 5pm" keeps its words and has no schedule. The phrase is then cut out and the
 * rest parsed again, so no time words leak into the message.
 */
import type { Interpretation, InterpretContext, PartialSendRequest } from '../interpretation.js';
import { readTimes, type TimeContext, type TimeReading } from '../schedule/index.js';
import { completeOrAsk, compact } from './assemble.js';
import { stripFillers } from './text-utils.js';

export function timeContext(ctx: InterpretContext): TimeContext {
  return { now: ctx.now ?? new Date(), timeZone: ctx.timeZone ?? 'UTC', maxScheduleDays: ctx.maxScheduleDays ?? 30 };
}

/** Parse `norm` with `parse`, taking a schedule out of it first when it has one. */
export function parseScheduled(norm: string, ctx: InterpretContext, parse: (s: string) => Interpretation): Interpretation {
  const times = readTimes(norm, timeContext(ctx));
  const plain = parse(norm);
  if (times.length === 0) return plain;
  const message = messageWords(plain);
  const outside = times.filter((t) => isSchedule(t.phrase.toLowerCase(), message));
  if (outside.length === 0) return plain;
  const rest = cutOut(norm, outside);
  const parsed = parse(rest);
  if (parsed.kind === 'reply') return parsed;
  if (outside.length > 1) {
    const said = outside.map((t) => `"${t.phrase}"`).join(' and ');
    return ask(parsed, `I read two times, ${said}. When should it go? Say one time.`);
  }
  const time = outside[0]!;
  if (time.kind === 'unclear') return ask(parsed, time.question);
  return withSendAt(parsed, time.sendAt);
}

/**
 * The answer to "When should it go?": a time on its own ("tomorrow at 9:00")
 * fills the waiting request. Null when the words are something else.
 */
export function answerWhen(norm: string, pending: PartialSendRequest, ctx: InterpretContext): Interpretation | null {
  const waitingNow: PartialSendRequest = { ...pending, askedWhen: undefined };
  if (/^(?:(?:send|make)\s+it\s+)?(?:right\s+)?(?:now|immediately|asap)\b[\s.!]*(?:please)?[.!]?$/i.test(norm.trim())) return completeOrAsk(waitingNow, ctx);
  const times = readTimes(norm, timeContext(ctx));
  if (times.length !== 1) return null;
  // Only the time (and a "please" or "send it"): anything more is a new request or a change.
  const rest = stripFillers(cutOut(norm, times))
    .replace(/\b(?:send\s+it|make\s+it|ok(?:ay)?|yes|please|thanks)\b/gi, '')
    .replace(/[.!,]/g, '')
    .trim();
  if (rest) return null;
  const time = times[0]!;
  const waiting: PartialSendRequest = { ...pending, askedWhen: undefined };
  if (time.kind === 'unclear') return { kind: 'question', text: time.question, partial: { ...waiting, askedWhen: true } };
  return withSendAt(completeOrAsk(waiting, ctx), time.sendAt);
}

/**
 * Outside the message, or leading it: the parser reads "text bob in 1 minute
 * that hello" as a message "in 1 minute that hello", but a message does not
 * start with when to send it. A time later in the message is its own words.
 */
function isSchedule(phrase: string, message: string): boolean {
  if (!message.includes(phrase)) return true;
  return message.split('\n').some((part) => {
    const lead = part.trimStart();
    // "last night's backup failed" starts with a time too: only a time followed by where the message begins is a schedule.
    return lead.startsWith(phrase) && MESSAGE_STARTS.test(lead.slice(phrase.length));
  });
}

/** What comes between "text bob in 1 minute" and the message itself. */
const MESSAGE_STARTS = /^\s*(?:[:,"“]|(?:that|saying|says|to\s+say|subject|body|message)\b)/i;

function messageWords(i: Interpretation): string {
  if (i.kind === 'send') return `${i.request.text}\n${i.request.subject ?? ''}`.toLowerCase();
  if (i.kind === 'question') return `${i.partial.text ?? ''}\n${i.partial.subject ?? ''}`.toLowerCase();
  return '';
}

/** `norm` without the phrases (a dangling "on" or "at" before one goes with it). */
function cutOut(norm: string, times: TimeReading[]): string {
  let out = norm;
  for (const t of [...times].sort((a, b) => b.index - a.index)) {
    const before = out.slice(0, t.index).replace(/\b(?:on|at|by|for)\s*$/i, '');
    out = `${before} ${out.slice(t.index + t.phrase.length)}`;
  }
  return out.replace(/\s+([,.!?:])/g, '$1').replace(/\s{2,}/g, ' ').trim();
}

function ask(i: Exclude<Interpretation, { kind: 'reply' }>, question: string): Interpretation {
  const partial = i.kind === 'send' ? compact({ ...i.request }) : { ...i.partial };
  delete partial.sendAt;
  return { kind: 'question', text: question, partial: { ...partial, askedWhen: true } };
}

function withSendAt(i: Interpretation, sendAt: Date): Interpretation {
  if (i.kind === 'send') return { ...i, sendAt };
  if (i.kind === 'question') return { ...i, partial: { ...i.partial, sendAt: sendAt.toISOString() } };
  return i;
}
