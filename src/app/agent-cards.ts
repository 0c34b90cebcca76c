import type { DraftCards } from '../core/agent-ports.js';
import type { Draft } from '../core/draft.js';
import type { DraftStore, Logger, Notifier } from '../core/ports.js';

/** A platform's way to post a draft card into a chat it names, and to redraw it later from its reference. */
export interface CardChannel {
  /** Post the card for `draft` into `chat` (Slack channel id, Telegram chat id); returns the card's reference. */
  post(chat: string, draft: Draft): Promise<string>;
  /** Redraw the card `ref` (as `post` returned it) to show `draft` as it is now. */
  update(ref: string, draft: Draft): Promise<void>;
}

export type CardPlatform = 'slack' | 'telegram';

export interface AgentCardsDeps {
  drafts: DraftStore;
  cards: DraftCards;
  logger: Logger;
  /** `agents.notify` from the policy: `slack:<channel>`, `telegram:<chat>`, `web`. */
  notify: readonly string[];
}

/**
 * Cards of agents' drafts: one per `agents.notify` destination, each
 * remembered in `draft_cards` so that any replica — the one that delivers,
 * expires or records a decision — redraws all of them with the outcome.
 * `web` needs no post: the console's inbox reads pending drafts from the database.
 * Registered with the NotifierRouter for platform `agent`.
 */
export class AgentCards implements Notifier {
  private readonly channels = new Map<CardPlatform, CardChannel>();
  private readonly listeners = new Set<(draftId: string) => void>();

  constructor(private readonly deps: AgentCardsDeps) {}

  /** A front-end that can post cards into chats (Slack, Telegram) registers when configured. */
  register(platform: CardPlatform, channel: CardChannel): void {
    this.channels.set(platform, channel);
  }

  /** Post the draft's card everywhere `agents.notify` says; returns where it could be shown (`web` included). */
  async post(draft: Draft, now: Date): Promise<string[]> {
    const shown: string[] = [];
    for (const destination of this.deps.notify) {
      if (destination === 'web') {
        shown.push('web');
        continue;
      }
      const [platform, chat] = splitOnce(destination);
      const channel = this.channels.get(platform as CardPlatform);
      if (!channel || !chat) {
        this.deps.logger.warn({ destination }, `agents.notify names ${platform}, which is not configured here; no card posted there`);
        continue;
      }
      try {
        const ref = await channel.post(chat, draft);
        await this.deps.cards.add(draft.id, `${platform}|${ref}`, now);
        shown.push(destination);
      } catch (err) {
        this.deps.logger.warn({ destination, draftId: draft.id, err: err instanceof Error ? err.message : String(err) }, 'could not post an agent draft card');
      }
    }
    return shown;
  }

  /** Hear of every change this process makes to an agent's draft (a waiting tool call wakes at once); returns the unsubscribe. */
  onChange(listener: (draftId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Notifier port: redraw every card of the draft from what is stored now (never throws). */
  async draftChanged(changed: Pick<Draft, 'id'>): Promise<void> {
    for (const listener of this.listeners) listener(changed.id);
    const [draft, refs] = await Promise.all([this.deps.drafts.get(changed.id), this.deps.cards.list(changed.id)]);
    if (!draft) return;
    await Promise.all(
      refs.map(async (stored) => {
        const [platform, ref] = splitOnce(stored);
        const channel = this.channels.get(platform as CardPlatform);
        if (!channel || !ref) return;
        try {
          await channel.update(ref, draft);
        } catch (err) {
          this.deps.logger.warn({ draftId: draft.id, platform, err: err instanceof Error ? err.message : String(err) }, 'could not redraw an agent draft card');
        }
      }),
    );
  }
}

function splitOnce(value: string): [string, string] {
  const at = value.search(/[:|]/);
  return at < 0 ? [value, ''] : [value.slice(0, at), value.slice(at + 1)];
}
