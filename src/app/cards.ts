import { buildCard, type Card } from '../core/card.js';
import type { Draft } from '../core/draft.js';
import type { Clock, DraftStore, Logger, Notifier } from '../core/ports.js';
import type { Platform } from '../core/send-request.js';
import { safeErrorText } from '../safe-error.js';
import type { DraftPreviewer } from './draft-preview.js';
import type { FrontEnd } from './front-end.js';
import { draftAttributes, inSpan } from './tracing.js';

/** Edits per sync at most: each round means the draft changed again while we drew it. */
const MAX_ROUNDS = 4;
/** How many cards' last drawing this process remembers, to skip an edit that would change nothing. */
const REMEMBERED = 500;

export interface SyncOptions {
  /** Draw even when this process last drew the same (after a stale click the card may be stale elsewhere). */
  force?: boolean;
  /** The card's reference when the draft has none stored yet (the click came from that card). */
  at?: string;
}

export interface CardsDeps {
  drafts: DraftStore;
  clock: Clock;
  logger: Logger;
  /** What every card previews about the recipient (contact name, SMS segments, dry run); none: the draft's fields only. */
  previews?: Pick<DraftPreviewer, 'preview'> | undefined;
}

/**
 * Where each draft's card lives and how it gets to show what is stored — one
 * algorithm for every front-end, safe across replicas: edit the card, read the
 * draft again, and edit again while it changed meanwhile. Several writers
 * edit one card (a click here, the delivery worker on another replica) and
 * their edits may land out of order; whoever changes the draft after our read
 * edits after us, so the card always ends on the stored state.
 */
export class Cards implements Notifier {
  private readonly frontEnds = new Map<Platform, FrontEnd>();
  private readonly notifiers = new Map<Platform, Notifier>();
  private readonly shown = new Map<string, string>();

  constructor(private readonly deps: CardsDeps) {}

  /** Cards of drafts from `frontEnd.platform` are drawn by `frontEnd`. */
  attach(frontEnd: FrontEnd): void {
    this.frontEnds.set(frontEnd.platform, frontEnd);
  }

  /** A plain listener for a platform that has no cards to draw (e.g. a test's recorder). */
  register(platform: Platform, notifier: Notifier): void {
    this.notifiers.set(platform, notifier);
  }

  /** Record where a draft's card lives, so any replica can redraw it. The one place a card reference is stored. */
  record(draftId: string, ref: string): Promise<void> {
    return this.deps.drafts.setCardRef(draftId, ref);
  }

  /**
   * Post a draft's card — `post` is the front-end's own call (a message, an
   * ephemeral reply, a card in an approvers' channel) — as a `relaybot.card.post`
   * span of the request's trace. Throws what `post` threw.
   */
  posting<T>(draft: Draft, platform: Platform, post: () => Promise<T>): Promise<T> {
    return inSpan('relaybot.card.post', { attributes: { ...draftAttributes(draft), 'relaybot.platform': platform } }, post);
  }

  /** The draft's card as of now, preview included: what is posted first and what every redraw shows, on every front-end. */
  async cardFor(draft: Draft): Promise<Card> {
    const card = buildCard(draft, this.deps.clock.now());
    return this.deps.previews ? { ...card, preview: await this.deps.previews.preview(draft) } : card;
  }

  /** Notifier port: the delivery worker, the sweeper or another front-end changed the draft. Throws what the platform threw. */
  draftChanged(draft: Draft): Promise<void> {
    return this.sync(draft);
  }

  /** Redraw after a click or an edit; never throws (a card that cannot be drawn is logged, the decision stands). */
  async refresh(draft: Draft | string, options: SyncOptions = {}): Promise<void> {
    try {
      await this.sync(draft, options);
    } catch (err) {
      this.deps.logger.warn({ err: safeErrorText(err), draftId: typeof draft === 'string' ? draft : draft.id }, 'could not update the card');
    }
  }

  /** Bring the draft's card to the draft's stored state (`draft` as known, or its id). */
  async sync(known: Draft | string, options: SyncOptions = {}): Promise<void> {
    const id = typeof known === 'string' ? known : known.id;
    const draft = typeof known === 'string' ? await this.deps.drafts.get(id) : known;
    if (!draft) return;
    const platform = draft.conversation.platform;
    const frontEnd = this.frontEnds.get(platform);
    if (!frontEnd) return this.notifiers.get(platform)?.draftChanged(draft);
    const ref = draft.cardRef ?? options.at;
    if (!ref) {
      this.deps.logger.info({ draftId: id, status: draft.status }, 'the draft has no card to update');
      return;
    }
    await this.drawUntilStable(frontEnd, ref, draft, options.force);
  }

  /** The front-end that draws `platform`'s cards here, when one is attached (agents' cards are posted through it). */
  frontEndFor(platform: Platform): FrontEnd | undefined {
    return this.frontEnds.get(platform);
  }

  /**
   * A card a draft has besides its own (an agent's draft in the approvers'
   * channels): the same algorithm at that reference. False when no front-end
   * here draws `platform`.
   */
  async syncAt(platform: Platform, ref: string, draft: Draft): Promise<boolean> {
    const frontEnd = this.frontEnds.get(platform);
    if (!frontEnd) return false;
    await this.drawUntilStable(frontEnd, ref, draft);
    return true;
  }

  private async drawUntilStable(frontEnd: FrontEnd, ref: string, known: Draft, force = false): Promise<void> {
    const key = `${known.id}\n${ref}`;
    let last = force ? undefined : this.shown.get(key);
    let draft: Draft | null = known;
    for (let round = 0; draft && round < MAX_ROUNDS; round++) {
      const card = await this.cardFor(draft);
      const fingerprint = JSON.stringify(card);
      if (fingerprint === last) return;
      if (!(await frontEnd.editCard(ref, card))) return;
      this.remember(key, fingerprint);
      last = fingerprint;
      draft = await this.deps.drafts.get(known.id);
    }
  }

  private remember(key: string, fingerprint: string): void {
    this.shown.delete(key);
    this.shown.set(key, fingerprint);
    if (this.shown.size > REMEMBERED) {
      const oldest = this.shown.keys().next().value;
      if (oldest !== undefined) this.shown.delete(oldest);
    }
  }
}
