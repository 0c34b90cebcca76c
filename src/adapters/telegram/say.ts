import type { Context } from 'grammy';
import type { Message } from 'grammy/types';

type ReplyOptions = NonNullable<Parameters<Context['reply']>[1]>;

/**
 * Answer in HTML (callers escape what people wrote). In a group the answer
 * quotes the message it answers, so several people's requests stay apart.
 */
export async function say(ctx: Context, html: string, extra: ReplyOptions = {}): Promise<Message.TextMessage> {
  const inGroup = ctx.chat?.type !== 'private';
  const messageId = ctx.message?.message_id;
  return ctx.reply(html, {
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    ...(inGroup && messageId !== undefined
      ? { reply_parameters: { message_id: messageId, allow_sending_without_reply: true } }
      : {}),
    ...extra,
  });
}
