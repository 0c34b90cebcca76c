import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { CHANNELS } from '../../core/send-request.js';

export const SEND_TOOL = 'send_message';
export const ASK_TOOL = 'ask_user';

const channelDescription =
  'sms = text message; wa = WhatsApp; tg = Telegram; tg_bot = from the Telegram bot; email; notify = push notification to the person\'s own devices; pchat = private chat.';
const sendAtDescription =
  'When to send, as ISO 8601 with the UTC offset (e.g. "2026-03-27T17:00:00+01:00"), worked out from the current time and time zone you were given; null to send as soon as the person approves. A time that is unclear (no am/pm, a day without a time) is a question for ask_user, not a guess.';
const toDescription =
  'Phone number as written, with country code (+15551234567) for sms/wa; email address for email; @username or numeric id for tg/tg_bot; "" for notify; or a saved contact\'s name exactly as the person wrote it.';

/**
 * The two tools the model may call. `strict` makes OpenAI itself keep to the
 * schema; other OpenAI-compatible servers may ignore it, so the arguments are
 * validated again with zod either way.
 */
export const TOOLS: ChatCompletionFunctionTool[] = [
  {
    type: 'function',
    function: {
      name: SEND_TOOL,
      description:
        'Propose one message to send. This does NOT send it: relaybot validates it, checks policy and shows the person a draft card to confirm. Call only when the channel, the recipient and the text are all known from the conversation; otherwise call ask_user.',
      strict: true,
      parameters: {
        type: 'object',
        properties: {
          channel: { type: 'string', enum: [...CHANNELS], description: channelDescription },
          to: { type: 'string', description: toDescription },
          text: { type: 'string', description: 'The message itself, written to the recipient. Never empty.' },
          subject: { type: ['string', 'null'], description: 'Email subject; null for other channels or when there is none.' },
          send_at: { type: ['string', 'null'], description: sendAtDescription },
        },
        required: ['channel', 'to', 'text', 'subject', 'send_at'],
        additionalProperties: false,
      },
    },
  },
  {
    type: 'function',
    function: {
      name: ASK_TOOL,
      description:
        'Ask the person one short question when something needed to draft the message is missing or unclear (recipient, text or channel), instead of guessing. Also give every field already known, so it is remembered for their answer; null for the unknown ones.',
      strict: true,
      parameters: {
        type: 'object',
        properties: {
          question: { type: 'string', description: 'One short, specific question, e.g. "What should the message to Alice say?"' },
          channel: { type: ['string', 'null'], enum: [...CHANNELS, null], description: channelDescription },
          to: { type: ['string', 'null'], description: toDescription },
          text: { type: ['string', 'null'], description: 'The message text, if already known.' },
          subject: { type: ['string', 'null'], description: 'Email subject, if known.' },
          send_at: { type: ['string', 'null'], description: 'When to send, if already known (ISO 8601 with offset).' },
        },
        required: ['question', 'channel', 'to', 'text', 'subject', 'send_at'],
        additionalProperties: false,
      },
    },
  },
];
