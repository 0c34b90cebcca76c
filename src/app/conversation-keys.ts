import type { Actor, ConversationRef } from '../core/send-request.js';

/**
 * Multi-turn state is per person per conversation (and per Slack thread), so two
 * people in one group chat never complete each other's requests.
 */
export function conversationKey(conversation: ConversationRef, actor: Actor): string {
  return [conversation.platform, conversation.chatId, conversation.threadId ?? '-', actor.userId].join(':');
}

/** Contact books are per Slack workspace, per Telegram chat, and one for the web console. */
export function contactScope(conversation: ConversationRef): string {
  switch (conversation.platform) {
    case 'slack':
      return `slack:${conversation.workspaceId ?? conversation.chatId}`;
    case 'telegram':
      return `telegram:${conversation.chatId}`;
    default:
      return conversation.platform;
  }
}
