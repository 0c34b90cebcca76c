import type { Message, UserFromGetMe } from 'grammy/types';

type Me = Pick<UserFromGetMe, 'id' | 'username'>;

function textAndEntities(message: Message): { text: string; entities: NonNullable<Message['entities']> } {
  return { text: message.text ?? message.caption ?? '', entities: message.entities ?? message.caption_entities ?? [] };
}

/**
 * Does this message call the bot by name? Everything in a private chat does; in
 * a group a command for this bot (`/send`, `/send@thisbot`) or an @mention of it.
 */
export function callsBot(message: Message, me: Me): boolean {
  if (message.chat.type === 'private') return true;
  const { text, entities } = textAndEntities(message);
  const username = me.username.toLowerCase();
  return entities.some((entity) => {
    const part = text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
    if (entity.type === 'bot_command' && entity.offset === 0) {
      const target = part.split('@')[1];
      return target === undefined || target === username;
    }
    return entity.type === 'mention' && part === `@${username}`;
  });
}

/** Is it a reply to one of the bot's messages (its question, its Edit prompt, or a card)? */
export function repliesToBot(message: Message, me: Me): boolean {
  return message.reply_to_message?.from?.id === me.id;
}

/** The request without the bot's @mention ("@relaybot sms +1555… hi" → "sms +1555… hi"). */
export function stripMention(message: Message, me: Me): string {
  const { text, entities } = textAndEntities(message);
  const mention = `@${me.username}`.toLowerCase();
  let result = '';
  let from = 0;
  for (const entity of [...entities].sort((a, b) => a.offset - b.offset)) {
    const part = text.slice(entity.offset, entity.offset + entity.length);
    if (entity.type !== 'mention' || part.toLowerCase() !== mention) continue;
    result += text.slice(from, entity.offset);
    from = entity.offset + entity.length;
  }
  result += text.slice(from);
  return result.replace(/[ \t]{2,}/g, ' ').trim();
}
