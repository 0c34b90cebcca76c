import type { Context } from 'grammy';
import type { TelegramAdapterDeps } from './deps.js';
import { conversationFromChat } from './identity.js';

/** The audit reason on drafts withdrawn because the bot left their chat. */
export const BOT_REMOVED = 'bot_removed';

/**
 * `my_chat_member`: the bot's own membership in a chat changed. Removed from
 * a group (`left`, `kicked`) or blocked in a private chat (`kicked`), it can
 * no longer show or edit cards there, so nobody could approve — or even see —
 * the drafts still pending in that chat: they are withdrawn (audited). Nobody
 * is told: the bot cannot write to that chat any more, and that is the point.
 */
export async function onBotMembership(ctx: Context, deps: TelegramAdapterDeps): Promise<void> {
  const change = ctx.myChatMember;
  if (!change) return;
  const status = change.new_chat_member.status;
  if (status !== 'left' && status !== 'kicked') return;
  const where = conversationFromChat(change.chat);
  const withdrawn = await deps.bot.withdrawFromChat(where, BOT_REMOVED, `telegram: ${status} by ${change.from.id}`);
  deps.logger.info({ chatType: change.chat.type, status, withdrawn: withdrawn.length }, 'telegram: the bot was removed from a chat; its pending drafts are withdrawn');
}
