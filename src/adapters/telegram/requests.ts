import { GrammyError, type Context } from 'grammy';
import { AppError } from '../../core/errors.js';
import type { Draft, DraftPatch } from '../../core/draft.js';
import { contactScope } from '../../app/conversation-keys.js';
import { formatCardRef, parseCardRef } from './card-ref.js';
import { syncCard } from './card-sync.js';
import type { TelegramAdapterDeps } from './deps.js';
import type { EditPrompts } from './edit-prompts.js';
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
    sent = await say(ctx, `${escapeHtml(reply.text)}\n\n${card.text}`, { reply_markup: card.reply_markup });
  } catch (error) {
    await withdrawUnshown(ctx, deps, reply.draft, error);
    return;
  }
  await deps.drafts.setCardRef(reply.draft.id, formatCardRef(sent.chat.id, sent.message_id));
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

/** A contact's name in `to:` means that contact, on its own channel. */
async function resolveContact(deps: TelegramAdapterDeps, scope: string, patch: DraftPatch): Promise<DraftPatch> {
  if (!patch.to || /[@+\d]/.test(patch.to.charAt(0))) return patch;
  const found = await deps.contacts.find(scope, patch.to);
  if (found.length !== 1) return patch;
  return { ...patch, to: found[0]!.address, channel: found[0]!.channel };
}

/**
 * A reply to an Edit prompt: change the draft — the version the prompt was
 * about — update its card, and say so (or why not).
 */
export async function handleEditReply(
  ctx: Context,
  deps: TelegramAdapterDeps,
  prompts: EditPrompts,
  target: { draftId: string; version?: number },
  promptMessageId: number,
  text: string,
): Promise<void> {
  const chat = ctx.chat!;
  const { draftId } = target;
  const patch = await resolveContact(deps, contactScope(conversationFromChat(chat)), parseEditReply(text));
  let edited;
  try {
    edited = await deps.bot.edit(draftId, actorFromUser(ctx.from!), patch, target.version);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // A decided, expired or since-changed draft can never be edited through this prompt again: stop treating replies to it as edits.
    if (['conflict:draft', 'conflict:version', 'expired:draft', 'not_found:draft'].includes(error.code)) {
      await prompts.forget(chat.id, promptMessageId);
    }
    if (error.code === 'conflict:version') {
      // Show the version that is there now, so the person edits (or approves) that one.
      const current = await deps.bot.getDraft(draftId);
      const ref = parseCardRef(current?.cardRef ?? null);
      if (ref && current) await syncCard(ctx.api, ref, () => deps.bot.getDraft(draftId), deps.clock, current);
    }
    await say(ctx, escapeHtml(error.message));
    return;
  }
  // The prompt stays: another reply to it edits again — the version this reply made — until the draft is decided.
  await prompts.remember(chat.id, promptMessageId, draftId, edited.version);
  const ref = parseCardRef(edited.cardRef);
  if (ref) await syncCard(ctx.api, ref, () => deps.bot.getDraft(draftId), deps.clock, edited);
  await say(ctx, 'Draft updated — check the card above and press <b>Send</b> when it is right.');
}
