import type { Context } from 'grammy';
import type { Draft } from '../../core/draft.js';
import { AppError, userMessage } from '../../core/errors.js';
import { decodeCallback } from './callback-data.js';
import type { TelegramCardRef } from './card-ref.js';
import { formatCardRef } from './card-ref.js';
import type { TelegramAdapterDeps } from './deps.js';
import { EDIT_PROMPT_HTML } from './edit-reply.js';
import { escapeHtml, truncate } from './html.js';
import { actorFromUser } from './identity.js';
import { promptAt } from './requests.js';
import { loggableError } from './safe-errors.js';

/** Telegram shows at most 200 characters in a callback answer. */
const TOAST_LIMIT = 200;

/**
 * Send / Edit / Cancel presses. Every press is answered exactly once (the
 * spinner on the button stops, and refusals show as a toast), and the card is
 * brought to the draft's real state whatever happened.
 */
export async function handleButton(ctx: Context, deps: TelegramAdapterDeps): Promise<void> {
  const query = ctx.callbackQuery!;
  let answered = false;
  const toast = async (text?: string, alert = false): Promise<void> => {
    if (answered) return;
    answered = true;
    await ctx.answerCallbackQuery(text ? { text: truncate(text, TOAST_LIMIT), show_alert: alert } : {});
  };
  try {
    const parsed = decodeCallback(query.data ?? '');
    const message = query.message;
    if (!parsed || !message) {
      await toast('This button is no longer valid.');
      return;
    }
    const ref: TelegramCardRef = { chatId: message.chat.id, messageId: message.message_id };
    const actor = actorFromUser(query.from);
    // This card, always redrawn (the press came from it, whatever this process drew before).
    const at = { at: formatCardRef(ref.chatId, ref.messageId), force: true };

    // Refused or too late: say why, and make sure the card no longer offers what cannot be done.
    // A stale press (the card showed an older version) is told in the toast, and the card is redrawn at the new one.
    const refuse = async (error: unknown): Promise<void> => {
      if (!(error instanceof AppError)) throw error;
      await toast(error.message);
      if (error.code !== 'denied:decider') await deps.bot.cards.sync(parsed.draftId, at);
    };

    let decided: Draft;
    switch (parsed.action) {
      case 'confirm':
        try {
          decided = await deps.bot.confirm(parsed.draftId, actor, parsed.version);
        } catch (error) {
          return await refuse(error);
        }
        await toast('Sending…');
        break;
      case 'cancel':
        try {
          decided = await deps.bot.cancel(parsed.draftId, actor, parsed.version);
        } catch (error) {
          return await refuse(error);
        }
        await toast('Cancelled — nothing was sent.');
        break;
      case 'edit':
        return await askForEdit(ctx, deps, ref, parsed.draftId, parsed.version, toast, refuse);
    }
    // The card may have been posted by a replica that died before storing where it is.
    if (!decided.cardRef) await deps.bot.cards.record(decided.id, at.at);
    await deps.bot.cards.sync(decided, at);
  } catch (error) {
    deps.logger.error({ err: loggableError(error), callbackQueryId: query.id }, 'telegram button press failed');
    await toast(userMessage(error), true).catch(() => undefined);
  } finally {
    await toast().catch(() => undefined);
  }
}

/**
 * Edit: check first that this person may edit this draft now (still at the
 * version the card showed), then ask for the change with a ForceReply prompt
 * and remember which draft, and which version of it, the prompt is about.
 */
async function askForEdit(
  ctx: Context,
  deps: TelegramAdapterDeps,
  ref: TelegramCardRef,
  draftId: string,
  seen: number | undefined,
  toast: (text?: string) => Promise<void>,
  refuse: (error: unknown) => Promise<void>,
): Promise<void> {
  const actor = actorFromUser(ctx.callbackQuery!.from);
  let draft: Draft;
  try {
    // Refuses (and audits) strangers, decided, expired and changed drafts.
    draft = await deps.bot.openEdit(draftId, actor, seen);
  } catch (error) {
    return refuse(error);
  }
  await toast();
  const from = ctx.callbackQuery!.from;
  // In a group, naming the person makes `selective` show the reply field to them only.
  const who = ctx.chat?.type === 'private' ? '' : `<a href="tg://user?id=${from.id}">${escapeHtml(actor.name ?? String(from.id))}</a>, `;
  const prompt = await ctx.api.sendMessage(ref.chatId, `✏️ ${who}${EDIT_PROMPT_HTML}`, {
    parse_mode: 'HTML',
    reply_parameters: { message_id: ref.messageId, allow_sending_without_reply: true },
    reply_markup: { force_reply: true, selective: true, input_field_placeholder: 'New text, or to: … / subject: …' },
  });
  await deps.bot.conversations.rememberEditPrompt(promptAt(ref.chatId, prompt.message_id), draftId, draft.version);
}
