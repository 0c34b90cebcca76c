import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { userMessage } from '../../core/errors.js';
import { storable } from '../../core/storable-text.js';
import type { Clock, Logger } from '../../core/ports.js';
import type { AgentReply, RelayBot } from '../../app/relaybot.js';
import type { ChatHistory } from '../../core/chat-history.js';
import { recordExchange } from './chat-record.js';
import { draftData } from './draft-view.js';
import { badRequest, describeZodError } from './http-errors.js';
import { UIMessageStreamWriter } from './ui-message-stream.js';

export const DEFAULT_WEB_USER = 'web-user';
const HEARTBEAT_MS = 15_000;

/**
 * The body useChat sends (and any API user may send). Other parts (files,
 * data parts echoed back from earlier answers) and extra keys are allowed and
 * ignored: only the last user message's text is read.
 */
const partSchema = z.looseObject({ type: z.string({ error: 'every part needs a "type" string' }), text: storable(z.unknown()).optional() });
const messageSchema = z.looseObject({
  id: z.string().optional(),
  role: z.enum(['user', 'assistant', 'system'], { error: 'must be "user", "assistant" or "system"' }),
  parts: z.array(partSchema, { error: 'must be an array of {type, text}' }),
});
export const chatBodySchema = z.looseObject({
  id: storable(z.string({ error: 'required: the chat id, a string' }).trim().min(1, 'must not be empty').max(200)),
  messages: z
    .array(messageSchema, { error: 'required: an array of {id, role, parts}' })
    .min(1, 'at least one message is needed')
    .max(500, 'too many messages (at most 500)'),
  userId: storable(z.string().trim().min(1, 'must not be empty').max(200)).optional(),
});
export type ChatBody = z.infer<typeof chatBodySchema>;

/** The text of the last user message (its text parts joined), or null when there is none. */
export function lastUserText(body: ChatBody): string | null {
  const last = body.messages.findLast((m) => m.role === 'user');
  if (!last) return null;
  const text = last.parts
    .filter((p) => p.type === 'text' && typeof p.text === 'string')
    .map((p) => p.text as string)
    .join('\n')
    .trim();
  return text === '' ? null : text;
}

class ChatTimeout extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ChatTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export interface ChatRouteDeps {
  bot: RelayBot;
  clock: Clock;
  logger: Logger;
  /** Longest a chat request may take, ms. */
  timeoutMs: number;
  /** Where the console's chats are kept (each exchange is recorded); none: not kept. */
  chats?: ChatHistory | undefined;
}

/** `POST /api/chat`: one message in, an SSE stream of the agent's answer (and its draft) out. */
export function chatRoute(deps: ChatRouteDeps): RequestHandler {
  return async (req, res) => {
    if (req.body === undefined) {
      badRequest(res, 'body: send a JSON body with "content-type: application/json".');
      return;
    }
    const parsed = chatBodySchema.safeParse(req.body);
    if (!parsed.success) {
      badRequest(res, describeZodError(parsed.error));
      return;
    }
    const text = lastUserText(parsed.data);
    if (text === null) {
      badRequest(res, 'messages: the last user message has no text part to act on.');
      return;
    }
    if (text.length > 20_000) {
      badRequest(res, 'messages: the message is too long (at most 20,000 characters).');
      return;
    }

    const stream = new UIMessageStreamWriter(res);
    stream.open();
    stream.write({ type: 'start', messageId: `msg-${randomUUID()}` });
    stream.startHeartbeat(HEARTBEAT_MS);
    let reply: AgentReply;
    const who = { userId: parsed.data.userId ?? DEFAULT_WEB_USER, chatId: parsed.data.id, asked: text };
    try {
      reply = await withTimeout(
        deps.bot.handleMessage({
          actor: { platform: 'web', userId: parsed.data.userId ?? DEFAULT_WEB_USER },
          conversation: { platform: 'web', chatId: parsed.data.id },
          text,
        }),
        deps.timeoutMs,
      );
    } catch (error) {
      const timedOut = error instanceof ChatTimeout;
      if (timedOut) deps.logger.warn({ chatId: parsed.data.id, timeoutMs: deps.timeoutMs }, 'chat request timed out');
      else deps.logger.error({ err: error, chatId: parsed.data.id }, 'chat request failed');
      const seconds = Math.round(deps.timeoutMs / 1000);
      const errorText = timedOut
        ? `That took too long (over ${seconds} s), so I stopped; nothing was sent. Please try again.`
        : userMessage(error);
      await recordExchange(deps.chats, deps.clock, deps.logger, { ...who, answered: errorText });
      stream.write({ type: 'error', errorText });
      stream.end();
      return;
    }

    await recordExchange(deps.chats, deps.clock, deps.logger, { ...who, answered: reply.text, draftId: reply.draft?.id });
    stream.text(`text-${randomUUID()}`, reply.text);
    if (reply.draft) stream.write({ type: 'data-draft', id: reply.draft.id, data: draftData(reply.draft, deps.clock.now()) });
    stream.write({ type: 'finish' });
    stream.end();
  };
}
