import type { Clock, ConversationStore } from '../../core/ports.js';

/**
 * Which draft an Edit prompt (a ForceReply message) is about, and the version
 * the person was looking at, keyed by chat and the prompt's message id.
 * A reply edits that version only: if someone changed the draft since, the
 * edit is refused instead of overwriting what they did. Kept in the database through the ConversationStore,
 * under our own key prefix, so a reply that lands on another replica still
 * finds its draft. The draft id rides in one assistant turn of the state: the
 * store's shape is made for conversations, and this is the smallest honest fit.
 */
const PREFIX = 'telegram-edit';
const MARK = 'edit-draft:';

const key = (chatId: number | string, messageId: number): string => `${PREFIX}:${chatId}:${messageId}`;

export class EditPrompts {
  constructor(private readonly store: ConversationStore, private readonly clock: Clock) {}

  async remember(chatId: number, promptMessageId: number, draftId: string, version: number): Promise<void> {
    await this.store.put(key(chatId, promptMessageId), {
      pending: null,
      history: [{ role: 'assistant', text: `${MARK}${draftId}:${version}` }],
      updatedAt: this.clock.now(),
    });
  }

  /**
   * The draft (and version) the prompt asked about, or null when this message
   * is not one of our prompts. A prompt made before versions existed has none.
   */
  async draftFor(chatId: number, promptMessageId: number): Promise<{ draftId: string; version?: number } | null> {
    const state = await this.store.get(key(chatId, promptMessageId));
    const turn = state?.history.find((t) => t.text.startsWith(MARK));
    if (!turn) return null;
    const match = /^(.+):([1-9]\d{0,8})$/.exec(turn.text.slice(MARK.length));
    return match ? { draftId: match[1]!, version: Number(match[2]) } : { draftId: turn.text.slice(MARK.length) };
  }

  async forget(chatId: number, promptMessageId: number): Promise<void> {
    await this.store.clear(key(chatId, promptMessageId));
  }
}
