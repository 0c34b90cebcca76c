import type { Chat, User } from 'grammy/types';
import type { Actor, ConversationRef } from '../../core/send-request.js';

/** Who pressed or wrote: `@username` when there is one, else the first name. */
export function actorFromUser(user: User): Actor {
  return { platform: 'telegram', userId: String(user.id), name: user.username ? `@${user.username}` : user.first_name };
}

export function conversationFromChat(chat: Pick<Chat, 'id'>): ConversationRef {
  return { platform: 'telegram', chatId: String(chat.id) };
}

/**
 * A Telegram bot can be found and messaged by anyone, so it is closed until
 * told otherwise: an empty list lets nobody in.
 */
export function isAllowedUser(allowedUsers: readonly string[], user: Pick<User, 'id'>): boolean {
  return allowedUsers.includes(String(user.id));
}

export function notAllowedSentence(user: Pick<User, 'id'>): string {
  return `This bot is private. Ask its admin to add your Telegram user id (${user.id}) to TELEGRAM_ALLOWED_USERS.`;
}
