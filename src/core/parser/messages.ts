import type { PartialSendRequest } from '../interpretation.js';
import { CHANNEL_LABELS } from '../send-request.js';
import { formatPhone } from '../validation.js';
import { CHANNEL_VERB_FOR } from './lexicon.js';

/** Everything relaybot says that is not a draft. One place, so the wording stays consistent. */

export const WHAT_I_DO =
  'I can send a text (SMS), WhatsApp, Telegram, email or push notification for you — you approve each one before it goes.';

export const HELP = [
  WHAT_I_DO,
  'Try:',
  '• text +15551234567 running late',
  '• send +44 7700 900123 a WhatsApp saying the build is green',
  '• email ops@example.com subject Deploy: v2 is live',
  '• telegram @alice "see you at 6"',
  '• notify me: backup finished',
  '• save Bob as +15551234567, then: text bob on my way',
  'Say "cancel" to drop a half-finished request.',
].join('\n');

export const CANCELLED = 'Okay, cancelled.';
export const NOTHING_TO_CANCEL = 'Okay — there was nothing in progress. Nothing was sent.';

/** What relaybot cannot do, said wherever a request falls outside sending. */
export const WHAT_I_CANNOT_DO = `I can't answer questions, read messages, make calls or set reminders.`;

/**
 * Said when no request was found at all: what relaybot can and cannot do, and an
 * example — never a guess at what was meant.
 */
export const FALLBACK = `I could not find a message to send in that, so nothing was drafted. ${WHAT_I_DO} ${WHAT_I_CANNOT_DO} For example: "text +15551234567 running late". Say "help" for more.`;

export const REPLIES = {
  call: `I can't make phone calls. I can send a text instead, e.g. "text +15551234567 please call me when you can".`,
  reminder: `I can't set reminders or alarms. I can send a message now, e.g. "notify me: pick up the keys" or "text mom I'll call later".`,
  inbox: `I can't read your inbox or reply inside an email thread. I can send a new email, e.g. "email jean@example.com subject Re: dinner: six thirty works".`,
  trigger: `I can't watch for new emails or events. I can send a push notification right now, e.g. "notify me: check the build".`,
  contacts: `I can't look people up in your phone or email contacts. relaybot has its own contact book: "save Bob as +15551234567" or "save bob's email as bob@example.com", then "text bob …".`,
  location: `I can't share your location. If you tell me where you are, I can send it, e.g. "text +15551234567 I'm at the north entrance".`,
  money: `I can't send or move money. I only send messages: SMS, WhatsApp, Telegram, email and push notifications.`,
  weather: `I can't look up the weather. ${WHAT_I_DO}`,
  greeting: `Hi! ${WHAT_I_DO} Say "help" for examples.`,
  thanks: `You're welcome.`,
  calendar: `I can't see your calendar or schedule meetings. ${WHAT_I_DO}`,
  question: `I can't answer questions, look things up or do other tasks — I only send the messages you ask for. ${WHAT_I_DO}`,
  other: FALLBACK,
  social: `I can't read social media or notifications. ${WHAT_I_DO}`,
  attachment: `I can only send text, not files or attachments. Paste the words you want to send, e.g. "email ops@example.com saying the report is ready".`,
  group: `I send to one recipient at a time.`,
} as const;
export type ReplyTopic = keyof typeof REPLIES;

/** The recipient as a person reads it in a question. */
export function recipientLabel(partial: PartialSendRequest): string | null {
  const address = partial.to ? (partial.to.startsWith('+') ? formatPhone(partial.to) : partial.to) : null;
  if (address && partial.toName && partial.toName.toLowerCase() !== partial.to?.toLowerCase()) return `${partial.toName}, ${address}`;
  return address ?? partial.toName ?? null;
}

const EXAMPLE_ADDRESS: Partial<Record<string, string>> = { email: 'name@example.com', tg: '@username', tg_bot: '@username' };
const CONTACT_HINT = (name: string, channel?: string): string =>
  `Reply with a phone number, email or @username, or save a contact ('save ${name} as ${EXAMPLE_ADDRESS[channel ?? ''] ?? '+15551234567'}').`;

/**
 * The one question to ask next for a partial request: first who, then what it
 * should say. `displayName` is how to say an unresolved name ("your boss").
 */
export function questionFor(partial: PartialSendRequest, displayName?: string): string {
  const verb = partial.channel ? CHANNEL_VERB_FOR[partial.channel] : 'message';
  const needsText = !partial.text;
  if (!partial.to && partial.channel !== 'notify') {
    if (partial.toName === 'me') {
      return `Which phone number, email or @username should I use for you? You can also save it: 'save me as +15551234567'.${needsText ? ' And what should the message say?' : ''}`;
    }
    if (partial.toName) {
      const who = displayName ?? partial.toName;
      const name = partial.toName.replace(/^\w/, (c) => c.toUpperCase());
      const also = needsText ? ' And what should the message say?' : '';
      return `Who is ${who}? ${CONTACT_HINT(name, partial.channel)}${also}`;
    }
    return needsText
      ? `Who should I ${verb}, and what should it say? Reply with a phone number, email or @username.`
      : `Who should I ${verb}? Reply with a phone number, email or @username.`;
  }
  if (needsText) {
    const who = recipientLabel(partial);
    const via = partial.channel ? `${CHANNEL_LABELS[partial.channel]} ` : '';
    return partial.channel === 'notify' || !who ? `What should the ${via}message say?` : `What should it say? (${via}to ${who})`;
  }
  return `Should I send it by SMS, WhatsApp, Telegram or email?`;
}
