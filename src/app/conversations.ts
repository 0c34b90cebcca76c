import type { Clock, ConversationStore } from '../core/ports.js';
import type { Actor, ConversationRef, Platform } from '../core/send-request.js';
import { conversationKey } from './conversation-keys.js';

/** A message that asked a person for an edit (a Telegram ForceReply prompt): where it is. */
export interface PromptRef {
  platform: Platform;
  chatId: string | number;
  messageId: string | number;
}

const MARK = 'edit-draft:';
const promptKey = (p: PromptRef): string => `${p.platform}-edit:${p.chatId}:${p.messageId}`;

/**
 * Multi-turn state as front-ends may touch it: whether a request is in
 * progress, dropping it, and which draft (and version) an edit prompt is
 * about. Kept in the database, so a reply that lands on another replica
 * still finds its state.
 */
export class Conversations {
  constructor(private readonly deps: { conversations: ConversationStore; clock: Clock }) {}

  /** Is `actor` in the middle of a request here (relaybot asked them something)? */
  async hasRequestInProgress(actor: Actor, conversation: ConversationRef): Promise<boolean> {
    return Boolean((await this.deps.conversations.get(conversationKey(conversation, actor)))?.pending);
  }

  /** Forget the request in progress (and the turns so far); true when there was one. */
  async dropRequest(actor: Actor, conversation: ConversationRef): Promise<boolean> {
    const key = conversationKey(conversation, actor);
    const had = Boolean((await this.deps.conversations.get(key))?.pending);
    await this.deps.conversations.clear(key);
    return had;
  }

  /**
   * Remember that a reply to `prompt` edits `draftId` at `version` — that
   * version only: if someone changed the draft since, the edit is refused
   * instead of overwriting what they did. The draft id rides in one assistant
   * turn of the conversation state: the store's shape is made for
   * conversations, and this is the smallest honest fit.
   */
  async rememberEditPrompt(prompt: PromptRef, draftId: string, version: number): Promise<void> {
    await this.deps.conversations.put(promptKey(prompt), {
      pending: null,
      history: [{ role: 'assistant', text: `${MARK}${draftId}:${version}` }],
      updatedAt: this.deps.clock.now(),
    });
  }

  /** The draft (and version) a prompt asked about, or null when the message is not one of our prompts. A prompt made before versions existed has none. */
  async editPromptFor(prompt: PromptRef): Promise<{ draftId: string; version?: number } | null> {
    const state = await this.deps.conversations.get(promptKey(prompt));
    const turn = state?.history.find((t) => t.text.startsWith(MARK));
    if (!turn) return null;
    const match = /^(.+):([1-9]\d{0,8})$/.exec(turn.text.slice(MARK.length));
    return match ? { draftId: match[1]!, version: Number(match[2]) } : { draftId: turn.text.slice(MARK.length) };
  }

  async forgetEditPrompt(prompt: PromptRef): Promise<void> {
    await this.deps.conversations.clear(promptKey(prompt));
  }
}
