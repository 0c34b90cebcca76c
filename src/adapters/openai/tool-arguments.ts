import { z } from 'zod';
import type { PartialSendRequest } from '../../core/interpretation.js';
import { CHANNELS, channelSchema, sendRequestSchema, type Channel, type SendRequest } from '../../core/send-request.js';
import { ASK_TOOL, SEND_TOOL } from './tools.js';

/**
 * What one tool call amounts to:
 * - `send`: a complete proposal;
 * - `question`: the model asked, or a required field is empty — asking beats guessing;
 * - `invalid`: malformed arguments (bad JSON, wrong types, unknown channel or tool) —
 *   worth one retry with `problem` told to the model. `partial` is what could be salvaged.
 */
export type ToolOutcome =
  | { kind: 'send'; request: SendRequest; sendAt?: Date | undefined }
  | { kind: 'question'; text: string; partial: PartialSendRequest }
  | { kind: 'invalid'; problem: string; partial: PartialSendRequest };

export interface ToolCallContext {
  pending?: PartialSendRequest | undefined;
  contactNames?: string[] | undefined;
}

interface Fields {
  channel?: Channel;
  to?: string;
  text?: string;
  subject?: string | null;
  sendAt?: string;
}
type RequiredField = 'channel' | 'to' | 'text';

/** Field by field, so one bad field does not cost the good ones. Unknown keys (e.g. "skip_confirmation") are ignored. */
const fieldSchemas = {
  channel: z.string().nullish(),
  to: z.union([z.string(), z.number().transform(String)]).nullish(),
  text: z.string().nullish(),
  subject: z.string().nullish(),
  question: z.string().nullish(),
  send_at: z.string().nullish(),
};
/** A schedule must name its offset: a bare "17:00" would be read in whatever zone the server runs in. */
const sendAtSchema = z.iso.datetime({ offset: true });

/** Names models use for channels despite the enum; mapping them is reading, not guessing. */
const CHANNEL_ALIASES: Record<string, Channel> = {
  text: 'sms', whatsapp: 'wa', telegram: 'tg', mail: 'email', 'e-mail': 'email', push: 'notify', notification: 'notify',
};

export function readToolCall(name: string, rawArguments: string, context: ToolCallContext): ToolOutcome {
  const pending = context.pending ?? {};
  if (name !== SEND_TOOL && name !== ASK_TOOL) {
    return { kind: 'invalid', problem: `there is no tool named "${name}"; use ${SEND_TOOL} or ${ASK_TOOL}`, partial: { ...pending } };
  }
  let args: unknown;
  try {
    args = JSON.parse(rawArguments || '{}');
  } catch (error) {
    const why = error instanceof Error ? error.message : 'unreadable';
    return { kind: 'invalid', problem: `the arguments are not valid JSON (${why})`, partial: { ...pending } };
  }
  if (!args || typeof args !== 'object' || Array.isArray(args)) {
    return { kind: 'invalid', problem: 'the arguments must be a JSON object', partial: { ...pending } };
  }
  const { fields, question, problems } = readFields(args as Record<string, unknown>);
  const partial = toPartial(pending, fields, context.contactNames ?? []);

  if (name === ASK_TOOL) {
    // The question is what matters here; a bad optional field is dropped rather than retried.
    return { kind: 'question', text: question || questionFor(partial), partial };
  }
  if (problems.length > 0) return { kind: 'invalid', problem: problems.join('; '), partial };

  const missing = missingFields(partial);
  if (missing.length > 0) return { kind: 'question', text: questionFor(partial), partial };
  const parsed = sendRequestSchema.safeParse({
    channel: partial.channel,
    to: partial.to ?? partial.toName ?? '',
    text: partial.text,
    subject: partial.subject ?? null,
  });
  if (!parsed.success) return { kind: 'invalid', problem: z.prettifyError(parsed.error), partial };
  // The app checks that the time lies ahead and within the policy's reach, as it does for the parser's.
  return partial.sendAt ? { kind: 'send', request: parsed.data, sendAt: new Date(partial.sendAt) } : { kind: 'send', request: parsed.data };
}

function readFields(args: Record<string, unknown>): { fields: Fields; question: string; problems: string[] } {
  const fields: Fields = {};
  const problems: string[] = [];
  const read = <K extends keyof typeof fieldSchemas>(key: K): z.infer<(typeof fieldSchemas)[K]> | undefined => {
    const result = fieldSchemas[key].safeParse(args[key]);
    if (result.success) return result.data as z.infer<(typeof fieldSchemas)[K]>;
    problems.push(`"${key}" must be a string${key === 'subject' || key === 'send_at' ? ' or null' : ''}`);
    return undefined;
  };

  const channel = read('channel')?.trim().toLowerCase();
  if (channel) {
    const known = channelSchema.safeParse(CHANNEL_ALIASES[channel] ?? channel);
    if (known.success) fields.channel = known.data;
    else problems.push(`"channel" is "${channel}", which is not one of ${CHANNELS.join(', ')}`);
  }
  const to = read('to')?.trim();
  if (to) fields.to = to;
  const text = read('text');
  if (text?.trim()) fields.text = text;
  // No subject is the default; only a real one is worth remembering.
  const subject = read('subject')?.trim();
  if (subject) fields.subject = subject;
  const sendAt = read('send_at')?.trim();
  if (sendAt) {
    if (sendAtSchema.safeParse(sendAt).success) fields.sendAt = new Date(sendAt).toISOString();
    else problems.push(`"send_at" is "${sendAt.slice(0, 40)}", which is not an ISO 8601 time with an offset like 2026-03-27T17:00:00+01:00`);
  }
  const question = read('question')?.trim() ?? '';
  return { fields, question, problems };
}

/** Earlier answers plus this call; a recipient that is a saved contact's name becomes `toName` for the app to resolve. */
function toPartial(pending: PartialSendRequest, fields: Fields, contactNames: string[]): PartialSendRequest {
  const partial: PartialSendRequest = { ...pending };
  if (fields.channel) partial.channel = fields.channel;
  if (fields.to !== undefined) {
    const isName = contactNames.some((n) => n.toLowerCase() === fields.to!.toLowerCase());
    delete partial.to;
    delete partial.toName;
    if (isName) partial.toName = fields.to;
    else partial.to = fields.to;
  }
  if (fields.text !== undefined) partial.text = fields.text;
  if (fields.subject !== undefined) partial.subject = fields.subject;
  if (fields.sendAt !== undefined) partial.sendAt = fields.sendAt;
  return partial;
}

export function missingFields(partial: PartialSendRequest): RequiredField[] {
  const missing: RequiredField[] = [];
  if (!partial.channel) missing.push('channel');
  // A push notification goes to the relay's own devices: no recipient needed.
  if (partial.channel !== 'notify' && !partial.to && !partial.toName) missing.push('to');
  if (!partial.text?.trim()) missing.push('text');
  return missing;
}

/** One question covering everything still missing, phrased around what is known. */
export function questionFor(partial: PartialSendRequest): string {
  const missing = missingFields(partial);
  if (missing.length === 0) return 'Could you say again who to send it to, how, and what it should say?';
  const who = partial.toName ?? partial.to;
  const parts: string[] = [];
  if (missing.includes('to')) {
    parts.push("Who should I send it to? A phone number, email address, @username or a saved contact's name will do.");
  }
  if (missing.includes('channel')) {
    parts.push(who ? `How should I reach ${who}: by SMS, WhatsApp, Telegram or email?` : 'Which channel should I use: SMS, WhatsApp, Telegram, email or a push notification?');
  }
  if (missing.includes('text')) parts.push(who ? `What should the message to ${who} say?` : 'What should the message say?');
  return parts.join(' ');
}
