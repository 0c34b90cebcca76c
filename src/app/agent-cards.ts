import type { DraftCards } from '../core/agent-ports.js';
import type { Draft } from '../core/draft.js';
import type { Clock, DraftStore, Logger, Notifier } from '../core/ports.js';
import { safeErrorText } from '../safe-error.js';
import type { Cards } from './cards.js';

export interface AgentCardsDeps {
  drafts: DraftStore;
  /** Where each agent draft's cards were posted (`platform|ref`), so any replica redraws all of them. */
  cards: DraftCards;
  /** The front-ends attached here post and draw the cards (the same contract people's cards use). */
  frontEnds: Pick<Cards, 'frontEndFor' | 'syncAt' | 'posting' | 'cardFor'>;
  clock: Clock;
  logger: Logger;
  /** `agents.notify` from the policy: `slack:<channel>`, `telegram:<chat>`, `web`. */
  notify: readonly string[];
}

/**
 * Cards of agents' drafts: one per `agents.notify` destination, posted
 * through the destination's front-end and remembered in `draft_cards` so that
 * any replica — the one that delivers, expires or records a decision — redraws
 * every one of them with the outcome, with the same redraw-until-stable
 * algorithm as people's cards. `web` needs no post: the console's inbox reads
 * pending drafts from the database. Registered with Cards for platform `agent`.
 */
export class AgentCards implements Notifier {
  private readonly listeners = new Set<(draftId: string) => void>();

  constructor(private readonly deps: AgentCardsDeps) {}

  /** Post the draft's card everywhere `agents.notify` says; returns where it could be shown (`web` included). */
  async post(draft: Draft, now: Date): Promise<string[]> {
    const shown: string[] = [];
    for (const destination of this.deps.notify) {
      if (destination === 'web') {
        shown.push('web');
        continue;
      }
      const [platform, chat] = splitOnce(destination);
      const frontEnd = this.deps.frontEnds.frontEndFor(platform);
      if (!frontEnd || !chat) {
        this.deps.logger.warn({ destination }, `agents.notify names ${platform}, which is not configured here; no card posted there`);
        continue;
      }
      try {
        const card = await this.deps.frontEnds.cardFor(draft);
        const ref = await this.deps.frontEnds.posting(draft, platform, () => frontEnd.postCard({ platform, chatId: chat }, card));
        await this.deps.cards.add(draft.id, `${platform}|${ref}`, now);
        shown.push(destination);
      } catch (err) {
        this.deps.logger.warn({ destination, draftId: draft.id, err: safeErrorText(err) }, 'could not post an agent draft card');
      }
    }
    return shown;
  }

  /** Hear of every change this process makes to an agent's draft (a waiting tool call wakes at once); returns the unsubscribe. */
  onChange(listener: (draftId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Notifier port: redraw every card of the draft until it shows what is stored (never throws). */
  async draftChanged(changed: Pick<Draft, 'id'>): Promise<void> {
    for (const listener of this.listeners) listener(changed.id);
    const [draft, refs] = await Promise.all([this.deps.drafts.get(changed.id), this.deps.cards.list(changed.id)]);
    if (!draft) return;
    await Promise.all(
      refs.map(async (stored) => {
        const [platform, ref] = splitOnce(stored);
        if (!ref) return;
        try {
          await this.deps.frontEnds.syncAt(platform, ref, draft);
        } catch (err) {
          this.deps.logger.warn({ draftId: draft.id, platform, err: safeErrorText(err) }, 'could not redraw an agent draft card');
        }
      }),
    );
  }
}

function splitOnce(value: string): [string, string] {
  const at = value.search(/[:|]/);
  return at < 0 ? [value, ''] : [value.slice(0, at), value.slice(at + 1)];
}
