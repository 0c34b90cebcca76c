/**
 * One span per Telegram update, around all its middleware. Through the webhook
 * it sits under the HTTP server span; with long polling it starts the trace.
 */
import type { Context, NextFunction } from 'grammy';
import { inSpan, sessionAttributes } from '../../app/tracing.js';

export function traceTelegramUpdates(ctx: Context, next: NextFunction): Promise<void> {
  const kind = ctx.callbackQuery ? 'callback_query' : ctx.message ? 'message' : Object.keys(ctx.update).find((key) => key !== 'update_id') ?? 'update';
  const attributes = {
    'relaybot.platform': 'telegram',
    'relaybot.telegram.update': kind,
    ...(ctx.from && ctx.chat ? sessionAttributes({ platform: 'telegram', userId: String(ctx.from.id) }, { chatId: String(ctx.chat.id) }) : {}),
  };
  return inSpan('telegram.update', { attributes }, () => next());
}
