import type { ChatHistory } from '../../core/chat-history.js';
import type { Clock, Logger } from '../../core/ports.js';

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
 * Keep one exchange of a console chat, so a reload or another tab shows it.
 * The answer (and any draft) already exists; a failure to record it is
 * logged and does not turn the answer into an error.
 */
export async function recordExchange(chats: ChatHistory | undefined, clock: Clock, logger: Logger, exchange: ChatExchange): Promise<void> {
  if (!chats) return;
  try {
    await chats.append(
      exchange.userId,
      exchange.chatId,
      [
        { role: 'user', text: exchange.asked },
        { role: 'assistant', text: exchange.answered, draftId: exchange.draftId ?? null },
      ],
      clock.now(),
    );
  } catch (error) {
    logger.error({ err: error, chatId: exchange.chatId }, 'could not record the chat exchange');
  }
}
