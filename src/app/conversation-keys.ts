import type { Actor, ConversationRef } from '../core/send-request.js';

/**
 * Multi-turn state is per person per conversation (and per Slack thread), so two
 * people in one group chat never complete each other's requests.
 */
export function conversationKey(conversation: ConversationRef, actor: Actor): string {
  return [conversation.platform, conversation.chatId, conversation.threadId ?? '-', actor.userId].join(':');
}

/**
 * Contact books are per workspace where the platform has workspaces (Slack),
 * per chat otherwise (Telegram, and any new front-end), and one for the web
 * console. A platform is never given one book shared by everyone on it.
 */
export function contactScope(conversation: ConversationRef): string {
  if (conversation.platform === 'web') return 'web';
  return `${conversation.platform}:${conversation.workspaceId ?? conversation.chatId}`;
}
