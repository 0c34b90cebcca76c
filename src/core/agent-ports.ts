/**
 * Ports for drafts that agents request: the extra cards each such draft gets
 * (one per `agents.notify` destination), and the pending drafts a person's
 * inbox lists.
 */
import type { Draft } from './draft.js';
import type { Actor } from './send-request.js';

/** Every card a draft has beyond its requester's own, so each can be redrawn with the outcome. */
export interface DraftCards {
  /** Remember one more card of `draftId` (`ref` as the card channel encodes it); a repeat is ignored. */
  add(draftId: string, ref: string, now: Date): Promise<void>;
  /** The draft's cards, oldest first. */
  list(draftId: string): Promise<string[]>;
}

/** Pending, unexpired drafts for the web console's inbox. Each list is bounded by `limit`. */
export interface PendingDrafts {
  /** Drafts `requester` asked for that still wait for a decision. */
  ofRequester(requester: Actor, now: Date, limit: number): Promise<Draft[]>;
  /** Drafts agents asked for that still wait for a decision. */
  ofAgents(now: Date, limit: number): Promise<Draft[]>;
  /** Every draft still waiting for a decision (four-eyes approvers see them all), soonest expiry first. */
  all(now: Date, limit: number): Promise<Draft[]>;
}
