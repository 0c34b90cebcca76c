import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { userMessage } from '../../core/errors.js';
import { storable } from '../../core/storable-text.js';
import type { Clock, Logger } from '../../core/ports.js';
import type { AgentReply, RelayBot } from '../../app/relaybot.js';
import type { ConsoleChats } from '../../app/console-chats.js';
import type { Draft } from '../../core/draft.js';
import type { Actor } from '../../core/send-request.js';
import { answerApprovals, approvalResponses, draftToolChunks } from './chat-approvals.js';
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
  /** Stream drafts as `send_message` tool calls needing approval (default). AI SDK 5 clients set false: their parser rejects `tool-approval-request`. */
  toolApproval: z.boolean({ error: 'must be true or false' }).optional(),
  /** Set by the AI SDK: `regenerate-message` asks again for an answer already given. */
  trigger: z.string().max(100).optional(),
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
  chats?: Pick<ConsoleChats, 'record'> | undefined;
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
    const actor = { platform: 'web' as const, userId: parsed.data.userId ?? DEFAULT_WEB_USER };
    const responses = approvalResponses(parsed.data);
    const last = parsed.data.messages.at(-1)!;
    if (responses.length > 0) {
      // The client answered tool approvals: decide them, stream the outcomes, draft nothing new.
      const stream = new UIMessageStreamWriter(res);
      stream.open();
      // The same message id: the client appends the outcomes to the assistant message that asked.
      stream.write({ type: 'start', messageId: last.id ?? `msg-${randomUUID()}` });
      stream.startHeartbeat(HEARTBEAT_MS);
      try {
        await answerApprovals({ bot: deps.bot, clock: deps.clock, waitMs: deps.timeoutMs }, stream, responses, actor);
      } catch (error) {
        deps.logger.error({ err: error, chatId: parsed.data.id }, 'chat approval failed');
        stream.write({ type: 'error', errorText: userMessage(error) });
      }
      stream.write({ type: 'finish' });
      stream.end();
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
      // Asked again for an answer already given (the last message is the assistant's, or regenerate()):
      // show the draft that answer made, never a second one for the same request.
      const repeat = last.role === 'assistant' || parsed.data.trigger === 'regenerate-message' ? await pendingDraftOf(deps.bot, actor, parsed.data.id, deps.clock.now()) : undefined;
      reply = repeat
        ? { text: 'This request already has a draft; here it is again. Nothing goes out before it is approved.', draft: repeat }
        : last.role === 'assistant'
          ? { text: 'Nothing new to do here; ask for another message if you need one.', draft: null }
          : await withTimeout(deps.bot.handleMessage({ actor, conversation: { platform: 'web', chatId: parsed.data.id }, text }), deps.timeoutMs);
    } catch (error) {
      const timedOut = error instanceof ChatTimeout;
      if (timedOut) deps.logger.warn({ chatId: parsed.data.id, timeoutMs: deps.timeoutMs }, 'chat request timed out');
      else deps.logger.error({ err: error, chatId: parsed.data.id }, 'chat request failed');
      const seconds = Math.round(deps.timeoutMs / 1000);
      const errorText = timedOut
        ? `That took too long (over ${seconds} s), so I stopped; nothing was sent. Please try again.`
        : userMessage(error);
      await deps.chats?.record({ ...who, answered: errorText });
      stream.write({ type: 'error', errorText });
      stream.end();
      return;
    }

    await deps.chats?.record({ ...who, answered: reply.text, draftId: reply.draft?.id });
    stream.text(`text-${randomUUID()}`, reply.text);
    if (reply.draft) {
      stream.write({ type: 'data-draft', id: reply.draft.id, data: draftData(reply.draft, deps.clock.now()) });
      if (parsed.data.toolApproval !== false) for (const chunk of draftToolChunks(reply.draft)) stream.write(chunk);
    }
    stream.write({ type: 'finish' });
    stream.end();
  };
}

/** The person's latest draft in this chat that still waits for a decision, if any. */
async function pendingDraftOf(bot: RelayBot, actor: Actor, chatId: string, now: Date): Promise<Draft | undefined> {
  const recent = await bot.history(actor, 5);
  return recent.find((d) => d.conversation.platform === 'web' && d.conversation.chatId === chatId && d.status === 'pending' && d.expiresAt > now);
}
