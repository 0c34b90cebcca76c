import { timingSafeEqual } from 'node:crypto';
import { run, type RunnerHandle } from '@grammyjs/runner';
import express, { type RequestHandler } from 'express';
import { webhookCallback, type Transformer } from 'grammy';
import type { Update } from 'grammy/types';
import type { FrontEnd, FrontEndContext, HttpRoutes } from '../../app/front-end.js';
import type { MessageInput } from '../../app/relaybot.js';
import type { Card } from '../../core/card.js';
import type { Logger } from '../../core/ports.js';
import { COMMANDS, createTelegramBot } from './bot.js';
import { formatCardRef, parseCardRef } from './card-ref.js';
import { editCard } from './card-sync.js';
import type { TelegramAdapterDeps } from './deps.js';
import { escapeHtml } from './html.js';
import { actorFromUser, conversationFromChat } from './identity.js';
import { renderCard, type RenderedCard } from './render-card.js';
import { loggableError } from './safe-errors.js';

export type { TelegramAdapterDeps } from './deps.js';
export { renderCard } from './render-card.js';

export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';

export interface TelegramAdapter extends FrontEnd<Update, RenderedCard> {
  /** Webhook mode only (webhookSecret set): what `mount` adds at POST /telegram/webhook, after a JSON parser. */
  webhook: RequestHandler | null;
  /** Set the command menu; in polling mode (no webhookSecret) also drop any webhook and start @grammyjs/runner. */
  start(): Promise<void>;
  /** Stop polling and wait for updates in flight. */
  stop(): Promise<void>;
  /** Handle one update as if it had arrived (tests, custom transports). */
  handleUpdate(update: Update): Promise<void>;
}

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * grammY's callback answers 401 to a wrong secret, but only after `bot.init()`
 * (a getMe call); checking first means strangers cannot make us call Telegram.
 * Errors become a bare 500 (Telegram retries; dedupe keeps it to one draft) — never a stack.
 */
function guardWebhook(handler: RequestHandler, secret: string, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    if (!sameSecret(req.header(SECRET_HEADER), secret)) {
      res.status(401).json({ ok: false, error: 'wrong or missing X-Telegram-Bot-Api-Secret-Token' });
      return;
    }
    try {
      await handler(req, res, next);
    } catch (error) {
      logger.error({ err: loggableError(error) }, 'telegram webhook update failed');
      if (!res.headersSent) res.status(500).json({ ok: false, error: 'the update could not be processed' });
    }
  };
}

/** The runner retries getUpdates by itself; say in our log when it has to (a 409 means another process polls this bot). */
function logPollingFailures(logger: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      if (method === 'getUpdates' && !result.ok) {
        logger.warn({ code: result.error_code, description: result.description }, 'telegram getUpdates refused');
      }
      return result;
    } catch (error) {
      if (method === 'getUpdates' && !signal?.aborted) logger.warn({ err: loggableError(error) }, 'telegram getUpdates failed; retrying');
      throw error;
    }
  };
}

/** The registry entry: a Telegram front-end when TELEGRAM_BOT_TOKEN is set. */
export async function createTelegramFrontEnd({ bot, logger, env }: FrontEndContext): Promise<TelegramAdapter | null> {
  if (!env.TELEGRAM_BOT_TOKEN) return null;
  return createTelegramAdapter({
    bot, logger, clock: { now: () => bot.now() }, token: env.TELEGRAM_BOT_TOKEN, apiRoot: env.TELEGRAM_API_ROOT,
    allowedUsers: env.TELEGRAM_ALLOWED_USERS ?? [], webhookSecret: env.TELEGRAM_WEBHOOK_SECRET,
  });
}

/** A person's text message as the app's input (commands and button presses are the bot's own business). */
function parseUpdate(update: Update): MessageInput | null {
  const message = update.message;
  if (!message?.from || message.from.is_bot || message.text === undefined) return null;
  return { actor: actorFromUser(message.from), conversation: conversationFromChat(message.chat), text: message.text };
}

export function createTelegramAdapter(deps: TelegramAdapterDeps): TelegramAdapter {
  const bot = createTelegramBot(deps);
  const secret = deps.webhookSecret;
  const webhook = secret
    ? guardWebhook(
        // Past 25 s answer 200 and keep working: a slow model must not make Telegram resend (dedupe would drop it anyway).
        webhookCallback(bot, 'express', { secretToken: secret, onTimeout: 'return', timeoutMilliseconds: 25_000 }) as RequestHandler,
        secret,
        deps.logger,
      )
    : null;
  if (!secret) bot.api.config.use(logPollingFailures(deps.logger));
  let runner: RunnerHandle | null = null;

  return {
    platform: 'telegram',
    description: secret ? `Telegram (POST ${TELEGRAM_WEBHOOK_PATH})` : 'Telegram (long polling)',
    webhook,
    parse: parseUpdate,
    render: (card: Card) => renderCard(card),
    async postCard(conversation, card) {
      const rendered = renderCard(card);
      const sent = await bot.api.sendMessage(conversation.chatId, rendered.text, { parse_mode: 'HTML', reply_markup: rendered.reply_markup });
      return formatCardRef(sent.chat.id, sent.message_id);
    },
    async editCard(ref, card) {
      const where = parseCardRef(ref);
      if (!where) return false;
      try {
        await editCard(bot.api, where, card);
      } catch (error) {
        // The caller (delivery worker, sweeper) logs what we throw: a safe sentence, never grammY's error object (it names the token).
        const why = loggableError(error);
        throw new Error(`could not update the Telegram card ${ref}: ${String(why.description ?? why.message ?? why.type)}`);
      }
      return true;
    },
    async replyPrivately({ actor }, sentence) {
      // A private chat with the person (its id is theirs): only they see it.
      return bot.api.sendMessage(actor.userId, escapeHtml(sentence), { parse_mode: 'HTML' }).then(() => true, () => false);
    },
    mount(routes: HttpRoutes) {
      if (webhook) routes.post(TELEGRAM_WEBHOOK_PATH, express.json({ limit: '1mb' }), webhook);
    },
    async start() {
      await bot.init();
      await bot.api.setMyCommands([...COMMANDS]);
      if (!secret && !runner) {
        // Polling and a webhook exclude each other at Telegram; polling mode means no webhook.
        await bot.api.deleteWebhook();
        // silent: the runner would print failures to the console; logPollingFailures sends them to our logger.
        runner = run(bot, { runner: { fetch: { allowed_updates: ['message', 'callback_query', 'my_chat_member'] }, silent: true } });
        void runner.task()?.catch((error) => deps.logger.error({ err: loggableError(error) }, 'telegram polling stopped'));
      }
      deps.logger.info({ username: bot.botInfo.username, mode: secret ? 'webhook' : 'polling' }, 'telegram bot started');
    },
    async stop() {
      const handle = runner;
      runner = null;
      if (handle?.isRunning()) await handle.stop();
    },
    async handleUpdate(update) {
      await bot.init();
      await bot.handleUpdate(update);
    },
  };
}
