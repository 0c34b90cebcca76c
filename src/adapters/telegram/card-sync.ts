import { GrammyError, type Api } from 'grammy';
import type { Card } from '../../core/card.js';
import type { TelegramCardRef } from './card-ref.js';
import { renderCard } from './render-card.js';

/** Telegram refuses an edit that changes nothing; for us that means the card is already right. */
export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && /message is not modified/i.test(error.description);
}

/** Edit the card message to show `card` (buttons gone once decided or expired). Keeping it current is the app's (Cards). */
export async function editCard(api: Api, ref: TelegramCardRef, card: Card): Promise<void> {
  const rendered = renderCard(card);
  try {
    await api.editMessageText(ref.chatId, ref.messageId, rendered.text, {
      parse_mode: rendered.parse_mode,
      reply_markup: rendered.reply_markup,
    });
  } catch (error) {
    if (!isNotModified(error)) throw error;
  }
}
