import { timingSafeEqual } from 'node:crypto';
import { run, type RunnerHandle } from '@grammyjs/runner';
import type { RequestHandler } from 'express';
import { webhookCallback, type Transformer } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger, Notifier } from '../../core/ports.js';
import type { CardChannel } from '../../app/agent-cards.js';
import { COMMANDS, createTelegramBot } from './bot.js';
import { telegramChatCards } from './chat-cards.js';
import type { TelegramAdapterDeps } from './deps.js';
import { createTelegramNotifier } from './notifier.js';
import { loggableError } from './safe-errors.js';

export type { TelegramAdapterDeps } from './deps.js';
export { renderCard } from './render-card.js';

export interface TelegramAdapter {
  /** Webhook mode only (webhookSecret set): mount at POST /telegram/webhook after express.json(). */
  webhook: RequestHandler | null;
  /** Edits a draft's card when it changes; register it for platform 'telegram'. */
  notifier: Notifier;
  /** Posts cards into chats that did not ask (agents' drafts to `agents.notify`); register with AgentCards as `telegram`. */
  chatCards: CardChannel;
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

export function createTelegramAdapter(deps: TelegramAdapterDeps): TelegramAdapter {
  const bot = createTelegramBot(deps);
  const notifier = createTelegramNotifier(bot.api, deps.drafts, deps.clock, deps.logger);
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
    webhook,
    notifier,
    chatCards: telegramChatCards(bot.api, deps.clock),
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
