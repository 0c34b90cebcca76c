/**
 * A front-end written only against the contract (src/app/front-end.ts): an
 * in-memory chat. It touches nothing else in src — the proof that a new
 * platform is one folder and one registry line. Messages and cards live in
 * maps; people act through `say`, `press` and `edit`.
 */
import type { FrontEnd, Recipient } from '../../src/app/front-end.js';
import type { AgentReply, MessageInput, RelayBot } from '../../src/app/relaybot.js';
import type { Card, CardAction } from '../../src/core/card.js';
import type { DraftPatch } from '../../src/core/draft.js';
import type { Actor } from '../../src/core/send-request.js';

export const MEMORY_PLATFORM = 'memchat';

/** What a person types: who, in which chat, what. */
export interface ChatLine {
  chat: string;
  user: string;
  text: string;
}

/** A card as this chat shows it: lines of text, and buttons that name the draft and the version shown. */
export interface ShownCard {
  text: string;
  buttons: { label: string; action: CardAction; draftId: string; version: number }[];
}

export class MemoryChat implements FrontEnd<ChatLine, ShownCard> {
  readonly platform = MEMORY_PLATFORM;
  readonly description = 'in-memory chat';
  /** Cards by reference (`chat/n`). */
  readonly cards = new Map<string, ShownCard>();
  /** Private words, per user. */
  readonly whispers: { user: string; text: string }[] = [];
  private posted = 0;

  constructor(private readonly bot: RelayBot) {}

  parse(line: ChatLine): MessageInput | null {
    const text = line.text.trim();
    return text ? { actor: this.actor(line.user), conversation: { platform: MEMORY_PLATFORM, chatId: line.chat }, text } : null;
  }

  render(card: Card): ShownCard {
    return {
      text: [card.headline, ...card.fields.map((f) => `${f.label}: ${f.value}`), card.context].join('\n'),
      buttons: card.buttons.map((b) => ({ label: b.label, action: b.action, draftId: card.draftId, version: card.version })),
    };
  }

  async postCard(conversation: { chatId: string }, card: Card): Promise<string> {
    const ref = `${conversation.chatId}/${++this.posted}`;
    this.cards.set(ref, this.render(card));
    return ref;
  }

  async editCard(ref: string, card: Card): Promise<boolean> {
    if (!this.cards.has(ref)) return false;
    this.cards.set(ref, this.render(card));
    return true;
  }

  async replyPrivately(to: Recipient, text: string): Promise<boolean> {
    this.whispers.push({ user: to.actor.userId, text });
    return true;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  // What people do in this chat.

  /** Write a line; the answer (and the card, posted and recorded by the app). */
  async say(line: ChatLine): Promise<AgentReply> {
    const input = this.parse(line);
    if (!input) return { text: '', draft: null };
    return this.bot.draftAndShow(this, input);
  }

  /** Press Send or Cancel on the card at `ref`: decides the version that card shows; a refusal is whispered. */
  async press(ref: string, label: 'Send' | 'Cancel', user: string): Promise<void> {
    const button = this.cards.get(ref)?.buttons.find((b) => b.label === label);
    if (!button) throw new Error(`no ${label} button on ${ref}`);
    const actor = this.actor(user);
    try {
      if (button.action === 'confirm') await this.bot.confirm(button.draftId, actor, button.version);
      else await this.bot.cancel(button.draftId, actor, button.version);
    } catch (err) {
      await this.replyPrivately({ actor, conversation: { platform: MEMORY_PLATFORM, chatId: ref.split('/')[0]! } }, (err as Error).message);
    }
    await this.bot.cards.refresh(button.draftId, { force: true });
  }

  /** Edit the draft on the card at `ref`, based on the version the card shows. */
  async edit(ref: string, user: string, patch: DraftPatch): Promise<void> {
    const button = this.cards.get(ref)?.buttons.find((b) => b.action === 'edit');
    if (!button) throw new Error(`no Edit button on ${ref}`);
    await this.bot.edit(button.draftId, this.actor(user), patch, button.version);
    await this.bot.cards.refresh(button.draftId);
  }

  private actor(user: string): Actor {
    return { platform: MEMORY_PLATFORM, userId: user };
  }
}
