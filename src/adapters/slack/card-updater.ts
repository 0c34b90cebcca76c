import type { webApi } from '@slack/bolt';
import type { RelayBot } from '../../app/relaybot.js';
import type { Clock, Logger, Notifier } from '../../core/ports.js';
import { safeErrorText } from '../../safe-error.js';
import { decodeCardRef } from './card-ref.js';
import { renderCardMessage } from './render-card.js';
import { postToResponseUrl } from './response-url.js';

export interface CardUpdaterDeps {
  bot: RelayBot;
  client: webApi.WebClient;
  clock: Clock;
  logger: Logger;
}

/** How many drafts' last rendering we remember to skip identical updates. */
const REMEMBERED = 500;

/**
 * Redraws a draft's card in place from what is stored. Updates for one draft
 * run one after another and each re-reads the draft when its turn comes, so
 * a late "Sending…" from the click can never land after — and hide — the
 * "✅ Sent" that the delivery worker reported meanwhile.
 */
export class CardUpdater implements Notifier {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly lastRendered = new Map<string, string>();

  constructor(private readonly deps: CardUpdaterDeps) {}

  /** Notifier port: the delivery worker or expiry sweeper changed the draft (maybe on another replica). */
  draftChanged(draft: { id: string }): Promise<void> {
    return this.refresh(draft.id);
  }

  /**
   * Redraw the card of `draftId`; resolves once this update (and those queued before it) is done. Never throws.
   * `force` redraws even when this process last drew the same thing (a stale click: the card may be stale elsewhere).
   */
  refresh(draftId: string, options: { force?: boolean } = {}): Promise<void> {
    const previous = this.queues.get(draftId) ?? Promise.resolve();
    const next = previous.then(() => this.apply(draftId, options.force ?? false)).catch((err: unknown) => {
      this.deps.logger.warn({ err: describe(err), draftId }, 'could not update the slack card');
    });
    this.queues.set(draftId, next);
    void next.finally(() => {
      if (this.queues.get(draftId) === next) this.queues.delete(draftId);
    });
    return next;
  }

  private async apply(draftId: string, force: boolean): Promise<void> {
    const draft = await this.deps.bot.getDraft(draftId);
    const ref = decodeCardRef(draft?.cardRef);
    if (!draft || !ref || draft.conversation.platform !== 'slack') return;
    const message = renderCardMessage(await this.deps.bot.cardFor(draft));
    const fingerprint = `${draft.cardRef}\n${JSON.stringify(message)}`;
    if (!force && this.lastRendered.get(draftId) === fingerprint) return;
    if (ref.kind === 'message') {
      await this.deps.client.chat.update({ channel: ref.channel, ts: ref.ts, ...message });
    } else if (!(await postToResponseUrl(ref.url, { replace_original: true, ...message }, this.deps.logger))) {
      return;
    }
    this.remember(draftId, fingerprint);
  }

  private remember(draftId: string, fingerprint: string): void {
    this.lastRendered.delete(draftId);
    this.lastRendered.set(draftId, fingerprint);
    if (this.lastRendered.size > REMEMBERED) {
      const oldest = this.lastRendered.keys().next().value;
      if (oldest !== undefined) this.lastRendered.delete(oldest);
    }
  }
}

/** Slack API errors carry the method's answer (`not_in_channel`…), never the token. */
export function describe(err: unknown): string {
  if (err && typeof err === 'object' && 'data' in err) {
    const data = (err as { data?: { error?: string } }).data;
    if (data?.error) return `slack api: ${data.error}`;
  }
  // Not Slack's: may be a database error, whose message holds the statement and what people wrote.
  return safeErrorText(err);
}
