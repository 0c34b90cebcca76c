import type { ChatHistory, ChatMessage, ChatSummary } from '../core/chat-history.js';
import type { Clock, Logger } from '../core/ports.js';
import { safeErrorText } from '../safe-error.js';

export interface ChatExchange {
  userId: string;
  chatId: string;
  /** What the person asked. */
  asked: string;
  /** What relaybot answered (a sentence, a question or a refusal). */
  answered: string;
  draftId?: string | null | undefined;
}

/**
 * The web console's chats, kept server-side per person so a reload or a
 * second tab shows the same conversation: the app service the web front-end
 * gets instead of the store behind it.
 */
export class ConsoleChats {
  constructor(private readonly deps: { history: ChatHistory; clock: Clock; logger: Logger }) {}

  /**
   * Keep one exchange of a chat. The answer (and any draft) already exists; a
   * failure to record it is logged and does not turn the answer into an error.
   */
  async record(exchange: ChatExchange): Promise<void> {
    try {
      await this.deps.history.append(
        exchange.userId,
        exchange.chatId,
        [
          { role: 'user', text: exchange.asked },
          { role: 'assistant', text: exchange.answered, draftId: exchange.draftId ?? null },
        ],
        this.deps.clock.now(),
      );
    } catch (error) {
      this.deps.logger.error({ err: safeErrorText(error), chatId: exchange.chatId }, 'could not record the chat exchange');
    }
  }

  /** The person's chats, most recently used first. */
  list(userId: string, limit?: number): Promise<ChatSummary[]> {
    return this.deps.history.list(userId, limit);
  }

  /** One chat and its messages after `afterSeq`; null when the person has no such chat. */
  get(userId: string, chatId: string, options?: { afterSeq?: number }): Promise<{ chat: ChatSummary; messages: ChatMessage[] } | null> {
    return this.deps.history.get(userId, chatId, options);
  }
}
