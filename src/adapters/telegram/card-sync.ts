import { GrammyError, type Api } from 'grammy';
import { buildCard } from '../../core/card.js';
import type { Draft } from '../../core/draft.js';
import type { Clock } from '../../core/ports.js';
import type { TelegramCardRef } from './card-ref.js';
import { renderCard } from './render-card.js';

/** Telegram refuses an edit that changes nothing; for us that means the card is already right. */
export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && /message is not modified/i.test(error.description);
}

/** Edit the card message to show `draft` as of now (buttons gone once decided or expired). */
export async function editCard(api: Api, ref: TelegramCardRef, draft: Draft, clock: Clock): Promise<string> {
  const rendered = renderCard(buildCard(draft, clock.now()));
  try {
    await api.editMessageText(ref.chatId, ref.messageId, rendered.text, {
      parse_mode: rendered.parse_mode,
      reply_markup: rendered.reply_markup,
    });
  } catch (error) {
    if (!isNotModified(error)) throw error;
  }
  return rendered.text;
}

/**
 * Show the draft's latest state on its card. Several writers edit one card (the
 * button handler on this replica, the delivery worker's notifier on another),
 * and their edits may reach Telegram out of order. Each writer therefore reads
 * the draft again after its edit and edits once more if it changed meanwhile:
 * whoever changes the draft after that read edits after us, so the card always
 * ends on the latest state.
 */
export async function syncCard(
  api: Api,
  ref: TelegramCardRef,
  load: () => Promise<Draft | null>,
  clock: Clock,
  known?: Draft,
): Promise<void> {
  let draft = known ?? (await load());
  let shown: string | null = null;
  for (let round = 0; draft && round < 4; round++) {
    const text = renderCard(buildCard(draft, clock.now())).text;
    if (text === shown) return;
    shown = await editCard(api, ref, draft, clock);
    draft = await load();
  }
}
