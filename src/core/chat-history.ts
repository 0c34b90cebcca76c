/**
 * The web console's conversations, kept per person on the server so a reload
 * or a second tab shows the same chat, cards included. A chat belongs to the
 * person who started it: the same chat id under another user id is another chat.
 */
export interface ChatSummary {
  id: string;
  /** The first thing the person asked, cut short: what the sidebar shows. */
  title: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ChatMessage {
  /** Increasing within the whole store: a client asks for the messages after the last one it has. */
  seq: number;
  role: 'user' | 'assistant';
  text: string;
  /** The draft this answer made, shown as a live card. */
  draftId: string | null;
  at: Date;
}

export interface NewChatMessage {
  role: 'user' | 'assistant';
  text: string;
  draftId?: string | null;
}

export interface ChatHistory {
  /** Append messages to the person's chat (created on first use, titled by its first message). */
  append(userId: string, chatId: string, messages: NewChatMessage[], now: Date): Promise<void>;
  /** The person's chats, most recently used first; at most `limit` (default 50). */
  list(userId: string, limit?: number): Promise<ChatSummary[]>;
  /** One chat and its messages after `afterSeq` (default: from the start), oldest first, at most `limit` (default 500); null when the person has no such chat. */
  get(userId: string, chatId: string, options?: { afterSeq?: number; limit?: number }): Promise<{ chat: ChatSummary; messages: ChatMessage[] } | null>;
  /** Forget up to `limit` messages written, then chats last used, before `before`, oldest first; returns how many rows went. */
  purge(before: Date, limit: number): Promise<number>;
}

/** Longest chat title kept, characters. */
export const CHAT_TITLE_LIMIT = 80;

/** The sidebar title of a chat: its first request on one line, cut with an ellipsis. */
export function chatTitle(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= CHAT_TITLE_LIMIT ? line : `${line.slice(0, CHAT_TITLE_LIMIT - 1)}…`;
}
