import type { Clock, ConversationStore } from '../../core/ports.js';

/**
 * Which draft an Edit prompt (a ForceReply message) is about, keyed by chat and
 * the prompt's message id. Kept in the database through the ConversationStore,
 * under our own key prefix, so a reply that lands on another replica still
 * finds its draft. The draft id rides in one assistant turn of the state: the
 * store's shape is made for conversations, and this is the smallest honest fit.
 */
const PREFIX = 'telegram-edit';
const MARK = 'edit-draft:';

const key = (chatId: number | string, messageId: number): string => `${PREFIX}:${chatId}:${messageId}`;

export class EditPrompts {
  constructor(private readonly store: ConversationStore, private readonly clock: Clock) {}

  async remember(chatId: number, promptMessageId: number, draftId: string): Promise<void> {
    await this.store.put(key(chatId, promptMessageId), {
      pending: null,
      history: [{ role: 'assistant', text: `${MARK}${draftId}` }],
      updatedAt: this.clock.now(),
    });
  }

  /** The draft id the prompt asked about, or null when this message is not one of our prompts. */
  async draftFor(chatId: number, promptMessageId: number): Promise<string | null> {
    const state = await this.store.get(key(chatId, promptMessageId));
    const turn = state?.history.find((t) => t.text.startsWith(MARK));
    return turn ? turn.text.slice(MARK.length) : null;
  }

  async forget(chatId: number, promptMessageId: number): Promise<void> {
    await this.store.clear(key(chatId, promptMessageId));
  }
}
