/**
 * The offline parser: turns plain words into a send proposal, a question, or a
 * reply, with no model and no I/O. It errs towards asking: a draft only comes
 * out when the channel, an explicit valid address and the text are all present.
 */
import type { Interpretation, InterpretContext } from '../interpretation.js';
import type { Interpreter } from '../ports.js';
import { findAddress } from './address.js';
import { assemble } from './assemble.js';
import { isCancel, isHelp } from './cancel.js';
import { continueRequest } from './follow-up.js';
import { readFrame } from './frame.js';
import { readEmbedded, readIndirect } from './indirect.js';
import { CANCELLED, FALLBACK, HELP, NOTHING_TO_CANCEL, REPLIES } from './messages.js';
import { nonSendTopic, smallTalk } from './non-send.js';
import { parseSaveContact } from './save-contact.js';
import { answerWhen, parseScheduled } from './schedule.js';

const WHEN_AGAIN = 'When should it go? Say a time like "at 17:00", "tomorrow 9:00" or "in 20 minutes", "now" to send it when approved, or "cancel".';
import { normaliseInput, stripFillers } from './text-utils.js';

export { isCancel, isHelp } from './cancel.js';
export { parseSaveContact, type SaveContactCommand } from './save-contact.js';
export { normaliseInput, stripFillers } from './text-utils.js';

/** A "save Bob as +15551234567" command in the person's own words (greetings and "please" allowed). */
export function readSaveContact(text: string, defaultRegion: string) {
  return parseSaveContact(stripFillers(normaliseInput(text)), defaultRegion);
}
export { resolveAddress, channelForAddress, type RawAddress } from './address.js';
export { questionFor, HELP, CANCELLED, FALLBACK, NOTHING_TO_CANCEL } from './messages.js';
export { completeOrAsk } from './assemble.js';

export function parseOffline(text: string, context: InterpretContext): Interpretation {
  const norm = normaliseInput(text);
  if (!norm) return { kind: 'reply', text: HELP };
  if (isCancel(norm)) return { kind: 'reply', text: context.pending ? CANCELLED : NOTHING_TO_CANCEL };
  if (isHelp(norm)) return { kind: 'reply', text: HELP };
  if (context.pending?.askedWhen) {
    const when = answerWhen(norm, context.pending, context);
    if (when) return when;
  }
  if (context.pending) {
    const answer = continueRequest(norm, context.pending, context);
    // Completing a request that waits for its time needs the time: ask again rather than send it now.
    if (answer?.kind === 'send' && context.pending.askedWhen && !answer.sendAt) return { kind: 'question', text: WHEN_AGAIN, partial: context.pending };
    if (answer) return answer;
  }
  return parseScheduled(norm, context, (s) => parseFresh(s, context));
}

function parseFresh(norm: string, context: InterpretContext): Interpretation {
  const talk = smallTalk(norm);
  if (talk) return { kind: 'reply', text: REPLIES[talk] };
  const s = stripFillers(norm);
  if (parseSaveContact(s, context.defaultRegion)) {
    return { kind: 'reply', text: `To save a contact, send exactly: save Name as +15551234567 (or an email / @username).` };
  }
  // "reply to charlotte that …" is a message to a person; other replies need the inbox.
  if (/^(?:reply|respond|answer|write back)\b/i.test(s)) {
    const frame = readFrame(s, context);
    if (frame) return assemble(frame, context);
  }
  const hasAddress = findAddress(s, context.defaultRegion) !== null;
  const topic = nonSendTopic(s, hasAddress);
  if (topic) return { kind: 'reply', text: REPLIES[topic] };
  const frame = readFrame(s, context) ?? readIndirect(s, context) ?? readEmbedded(s, context);
  if (!frame) return { kind: 'reply', text: hasAddress ? addressHint(s, context) : FALLBACK };
  return assemble(frame, context);
}

/**
 * "+15551234567 running late" has an address but no request: it might be a
 * message or a note. Say how to send it rather than guess.
 */
function addressHint(s: string, context: InterpretContext): string {
  const found = findAddress(s, context.defaultRegion);
  const raw = found?.address.raw ?? '';
  const verb = found?.address.kind === 'email' ? 'email' : found?.address.kind === 'handle' ? 'telegram' : 'text';
  return `Did you want to message ${raw}? Say what to send and how, e.g. "${verb} ${raw} running late". Nothing was drafted.`;
}

/** The Interpreter port over the offline parser, used when no model is configured. */
export function createOfflineInterpreter(): Interpreter {
  return {
    name: 'offline',
    interpret: (text, context) => Promise.resolve(parseOffline(text, context)),
  };
}
