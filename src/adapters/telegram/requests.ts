import { GrammyError, type Context } from 'grammy';
import type { PromptRef } from '../../app/conversations.js';
import { AppError } from '../../core/errors.js';
import type { Draft } from '../../core/draft.js';
import { formatCardRef } from './card-ref.js';
import type { TelegramAdapterDeps } from './deps.js';
import { parseEditReply } from './edit-reply.js';
import { escapeHtml } from './html.js';
import { actorFromUser, conversationFromChat } from './identity.js';
import { renderCard } from './render-card.js';
import { say } from './say.js';

/** One request in words → the agent's answer, and the draft card with Send / Edit / Cancel when it made one. */
export async function handleRequest(ctx: Context, deps: TelegramAdapterDeps, text: string): Promise<void> {
  const from = ctx.from!;
  const chat = ctx.chat!;
  // "typing…" while the model works; purely cosmetic, so a failure is ignored.
  void ctx.replyWithChatAction('typing').catch(() => undefined);
  const reply = await deps.bot.handleMessage({
    actor: actorFromUser(from),
    conversation: conversationFromChat(chat),
    text,
  });
  if (!reply.draft) {
    await say(ctx, escapeHtml(reply.text));
    return;
  }
  const card = renderCard(await deps.bot.cardFor(reply.draft));
  let sent;
  try {
    sent = await deps.bot.cards.posting(reply.draft, 'telegram', () => say(ctx, `${escapeHtml(reply.text)}\n\n${card.text}`, { reply_markup: card.reply_markup }));
  } catch (error) {
    await withdrawUnshown(ctx, deps, reply.draft, error);
    return;
  }
  await deps.bot.cards.record(reply.draft.id, formatCardRef(sent.chat.id, sent.message_id));
}

const WITHDRAWN =
  'I could not show you the draft card (Telegram kept refusing my messages), so I cancelled that draft; nothing was sent. Ask again to make a new one.';

/**
 * The card could not be posted even after auto-retry's budget (a 429 asking for
 * a longer wait, or the bot blocked): a draft nobody can see must not stay
 * pending. Tell the requester once Telegram lets us talk again.
 */
async function withdrawUnshown(ctx: Context, deps: TelegramAdapterDeps, draft: Draft, error: unknown): Promise<void> {
  const retryAfter = error instanceof GrammyError ? error.parameters.retry_after : undefined;
  const reason = error instanceof GrammyError ? `telegram ${error.error_code}: ${error.description}` : 'telegram unreachable';
  deps.logger.warn({ draftId: draft.id, reason }, 'could not post a draft card; the draft is withdrawn');
  await deps.bot.withdrawUnshown(draft, reason);
  if (retryAfter === undefined) return;
  // After the wait Telegram asked for; a timer, so the update's handler finishes now.
  setTimeout(() => void say(ctx, WITHDRAWN).catch(() => undefined), retryAfter * 1000 + 500).unref();
}

/** Where an Edit prompt is, as the app keeps it. */
export const promptAt = (chatId: number, messageId: number): PromptRef => ({ platform: 'telegram', chatId, messageId });

/**
 * A reply to an Edit prompt: change the draft — the version the prompt was
 * about — update its card, and say so (or why not). A contact's name in `to:`
 * is resolved by the app, as on every front-end.
 */
export async function handleEditReply(
  ctx: Context,
  deps: TelegramAdapterDeps,
  target: { draftId: string; version?: number },
  prompt: PromptRef,
  text: string,
): Promise<void> {
  const { draftId } = target;
  const { sendAtWords, ...patch } = parseEditReply(text);
  let edited;
  try {
    // "send at: …" is read by the app, in the draft's zone; an unclear time is refused with the question.
    if (sendAtWords !== undefined) {
      const draft = await deps.bot.getDraft(draftId);
      if (draft) patch.sendAt = deps.bot.readSendAt(sendAtWords, draft);
    }
    edited = await deps.bot.edit(draftId, actorFromUser(ctx.from!), patch, target.version);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // A decided, expired or since-changed draft can never be edited through this prompt again: stop treating replies to it as edits.
    if (['conflict:draft', 'conflict:version', 'expired:draft', 'not_found:draft'].includes(error.code)) {
      await deps.bot.conversations.forgetEditPrompt(prompt);
    }
    // Show the version that is there now, so the person edits (or approves) that one.
    if (error.code === 'conflict:version') await deps.bot.cards.sync(draftId, { force: true });
    await say(ctx, escapeHtml(error.message));
    return;
  }
  // The prompt stays: another reply to it edits again — the version this reply made — until the draft is decided.
  await deps.bot.conversations.rememberEditPrompt(prompt, draftId, edited.version);
  await deps.bot.cards.sync(edited, { force: true });
  await say(ctx, 'Draft updated — check the card above and press <b>Send</b> when it is right.');
}
