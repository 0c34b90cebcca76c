import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { Bot, Composer, type Context, type NextFunction } from 'grammy';
import { userMessage } from '../../core/errors.js';
import { callsBot, repliesToBot, stripMention } from './addressing.js';
import { handleButton } from './buttons.js';
import { COMMANDS, helpText, historyText } from './commands.js';
import { contactsCommand } from './contacts-command.js';
import type { TelegramAdapterDeps } from './deps.js';
import { escapeHtml } from './html.js';
import { actorFromUser, conversationFromChat, isAllowedUser, notAllowedSentence } from './identity.js';
import { onBotMembership } from './membership.js';
import { handleEditReply, handleRequest, promptAt } from './requests.js';
import { loggableError, scrubTokenFromErrors } from './safe-errors.js';
import { say } from './say.js';

export { COMMANDS };

const SEND_USAGE = 'Tell me what to send, for example <code>/send sms +15551234567 Build finished</code>.';

/**
 * The grammY bot: API transformers, then middleware in this order — ignore
 * what is not a person's message or button press, dedupe by update_id, an
 * error boundary, the allowlist, and the handlers.
 */
export function createTelegramBot(deps: TelegramAdapterDeps): Bot {
  const bot = new Bot(deps.token, deps.apiRoot ? { client: { apiRoot: deps.apiRoot } } : {});
  // Installed last runs first: autoRetry wraps the throttler, so a retry queues like any call.
  bot.api.config.use(apiThrottler(deps.throttle));
  // 429s wait as Telegram says; network errors go to the caller instead of being retried forever in a request.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60, rethrowHttpErrors: true }));
  bot.api.config.use(scrubTokenFromErrors(deps.token));
  bot.catch((error) => deps.logger.error({ err: loggableError(error), updateId: error.ctx.update.update_id }, 'telegram update failed'));

  // Before the filter below, which lets only people's messages and presses through.
  bot.on('my_chat_member', (ctx) => onBotMembership(ctx, deps));
  bot.use(async (ctx, next) => {
    if ((ctx.message || ctx.callbackQuery) && ctx.from && !ctx.from.is_bot) await next();
  });
  // Telegram redelivers an update it thinks we missed; one update_id makes at most one draft.
  // A failure here propagates, so a webhook answers 500 and Telegram tries again later.
  bot.use(async (ctx, next) => {
    if (await deps.bot.firstDelivery('telegram', String(ctx.update.update_id))) await next();
  });
  // One person's messages in one chat are handled in order (multi-turn answers); presses stay concurrent.
  bot.use(sequentialize((ctx: Context) => (ctx.message ? `${ctx.chat?.id}:${ctx.from?.id}` : undefined)));

  const guarded = bot.errorBoundary(async ({ error, ctx }) => {
    deps.logger.error({ err: loggableError(error), updateId: ctx.update.update_id }, 'telegram handler failed');
    if (ctx.message) await say(ctx, escapeHtml(userMessage(error))).catch(() => undefined);
  });
  guarded.use(allowlist(deps));
  guarded.use(handlers(deps));
  return bot;
}

/** Closed by default: someone not listed gets one polite sentence (or a toast) and nothing else. */
function allowlist(deps: TelegramAdapterDeps) {
  return async (ctx: Context, next: NextFunction): Promise<void> => {
    const user = ctx.from!;
    if (isAllowedUser(deps.allowedUsers, user)) return next();
    deps.logger.info({ telegramUserId: user.id }, 'telegram user not in TELEGRAM_ALLOWED_USERS');
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: notAllowedSentence(user) });
    else if (ctx.message && callsBot(ctx.message, ctx.me)) await say(ctx, escapeHtml(notAllowedSentence(user)));
  };
}

function handlers(deps: TelegramAdapterDeps): Composer<Context> {
  const c = new Composer<Context>();
  const actorOf = (ctx: Context) => actorFromUser(ctx.from!);

  c.command(['start', 'help'], (ctx) => say(ctx, helpText(ctx.chat.type === 'private')));
  c.command('send', async (ctx) => {
    const text = ctx.match.trim();
    if (!text) await say(ctx, SEND_USAGE);
    else await handleRequest(ctx, deps, text);
  });
  c.command('history', async (ctx) => {
    let drafts = await deps.bot.history(actorOf(ctx), ctx.chat.type === 'private' ? 10 : 50);
    // In a group, only what was asked there: private drafts stay private.
    if (ctx.chat.type !== 'private') drafts = drafts.filter((d) => d.conversation.chatId === String(ctx.chat.id)).slice(0, 10);
    await say(ctx, historyText(drafts, deps.clock.now()));
  });
  c.command('contacts', async (ctx) => {
    await say(ctx, await contactsCommand(deps.bot, actorOf(ctx), conversationFromChat(ctx.chat), ctx.match));
  });
  c.command('cancel', async (ctx) => {
    const had = await deps.bot.conversations.dropRequest(actorOf(ctx), conversationFromChat(ctx.chat));
    await say(ctx, had ? 'Okay, I dropped the request we were working on. Nothing was sent.' : 'There was no request in progress to drop.');
  });

  c.on('callback_query:data', (ctx) => handleButton(ctx, deps));
  c.on('callback_query', (ctx) => ctx.answerCallbackQuery({ text: 'This button is no longer valid.' }));

  c.on('message:text', async (ctx) => {
    const message = ctx.message;
    const repliedTo = message.reply_to_message;
    if (repliedTo?.from?.id === ctx.me.id) {
      const prompt = promptAt(ctx.chat.id, repliedTo.message_id);
      const target = await deps.bot.conversations.editPromptFor(prompt);
      if (target) return handleEditReply(ctx, deps, target, prompt, message.text);
    }
    // In a group, a reply to the bot is for it only while the person is answering its question:
    // "nice" under a card is chatter, not a request.
    if (!callsBot(message, ctx.me)) {
      if (!repliesToBot(message, ctx.me) || !(await deps.bot.conversations.hasRequestInProgress(actorOf(ctx), conversationFromChat(ctx.chat)))) return;
    }
    if (message.entities?.[0]?.type === 'bot_command' && message.entities[0].offset === 0) {
      await say(ctx, `I do not know that command. ${helpHint}`);
      return;
    }
    const text = stripMention(message, ctx.me);
    if (!text) await say(ctx, SEND_USAGE);
    else await handleRequest(ctx, deps, text);
  });
  c.chatType('private').on('message', (ctx) => say(ctx, `I can only read text messages. ${helpHint}`));
  return c;
}

const helpHint = 'Send /help to see what I can do.';
