import { AppError, draftNotFound } from '../core/errors.js';
import { isDecidable, type Draft, type DraftPatch } from '../core/draft.js';
import { assertAllowed, assertMayDraft, assertMaySend, assertWithinRateLimits, deciderRefusal, type Policy } from '../core/policy.js';
import type {
  AuditLog, Clock, ContactBook, ConversationStore, DeliveryQueue, DraftStore, Interpreter, Logger, Metrics,
} from '../core/ports.js';
import { noopMetrics } from '../core/ports.js';
import { actorLabel, type Actor, type ConversationRef, type SendRequest } from '../core/send-request.js';
import { assertStorable, isStorable } from '../core/storable-text.js';
import { validateSendRequest } from '../core/validation.js';
import { concurrencyLimit } from './concurrency-limit.js';
import { contactScope, conversationKey } from './conversation-keys.js';
import { understand } from './understanding.js';

export interface RelayBotStores {
  drafts: DraftStore;
  deliveries: DeliveryQueue;
  audit: AuditLog;
  contacts: ContactBook;
  conversations: ConversationStore;
}

export interface RelayBotDeps {
  stores: RelayBotStores;
  interpreter: Interpreter;
  policy: Policy;
  clock: Clock;
  /** ISO country for numbers written without +. */
  defaultRegion: string;
  metrics?: Metrics;
  logger?: Logger;
  /** Messages understood at once by this process (the rest queue); default 4. */
  maxConcurrentMessages?: number;
  /** Called after a confirm commits, so a local delivery worker can start at once instead of at its next poll. */
  onConfirmed?: (draft: Draft) => void;
}

export interface MessageInput {
  actor: Actor;
  conversation: ConversationRef;
  text: string;
  /** Where a draft's card will be shown, when the front-end knows before drafting (saves an update later). */
  cardRef?: string;
}

/** What the agent answers to one message: always a sentence, and a draft when one was made. */
export interface AgentReply {
  text: string;
  draft: Draft | null;
  /** The refusal's code when the request was refused (`denied:policy`, `invalid:recipient`…). */
  refused?: string;
}

export type Decision = 'confirm' | 'cancel';

/**
 * The use cases every front-end calls: turn words into a draft, and decide or
 * edit drafts. The model only proposes; this class validates, applies policy
 * and records every step.
 */
export class RelayBot {
  private readonly metrics: Metrics;
  private readonly limitMessages: ReturnType<typeof concurrencyLimit>;

  constructor(private readonly deps: RelayBotDeps) {
    this.metrics = deps.metrics ?? noopMetrics;
    this.limitMessages = concurrencyLimit(deps.maxConcurrentMessages ?? 4);
  }

  get policy(): Policy {
    return this.deps.policy;
  }

  /** Understand one message and, when it is a complete send request that policy allows, create a pending draft. */
  handleMessage(input: MessageInput): Promise<AgentReply> {
    return this.limitMessages(() => this.draftFromWords(input));
  }

  private async draftFromWords(input: MessageInput): Promise<AgentReply> {
    const { stores, clock, policy } = this.deps;
    const now = clock.now();
    // Who and where are written into the audit entry of any refusal, so they are checked before anything is recorded.
    assertStorableActor(input.actor);
    assertStorable('conversation', input.conversation.chatId);
    try {
      assertStorable('text', input.text);
      assertMaySend(policy, input.actor);
      const started = performance.now();
      const scope = contactScope(input.conversation);
      const understood = await understand(
        {
          interpreter: this.deps.interpreter,
          contacts: stores.contacts,
          conversations: stores.conversations,
          clock,
          defaultRegion: this.deps.defaultRegion,
        },
        { conversationKey: conversationKey(input.conversation, input.actor), contactScope: scope, text: input.text },
      );
      this.metrics.interpretDuration(this.deps.interpreter.name, (performance.now() - started) / 1000);
      if (understood.kind === 'reply') return { text: understood.text, draft: null };

      const request = validateSendRequest(understood.request, this.deps.defaultRegion);
      // The contact book is consulted only when the policy restricts recipients to it.
      const isContact = understood.viaContact || (policy.contactsOnly && (await stores.contacts.has(scope, request.channel, request.to)));
      assertAllowed(policy, request, isContact);
      assertMayDraft(policy, await stores.drafts.rateCounts(input.actor, request.channel, request.to, now), now);

      const draft = await stores.drafts.create(
        { ...request, requester: input.actor, conversation: input.conversation, cardRef: input.cardRef ?? null, ttlMs: policy.draftTtlMinutes * 60_000 },
        now,
        {
          actor: input.actor,
          action: 'draft.created',
          details: { request, interpreter: this.deps.interpreter.name, viaContact: understood.viaContact },
        },
      );
      this.metrics.draftCreated(draft.channel);
      const ask = policy.approval.mode === 'four-eyes' ? 'An approver must press Send' : 'Check it and press Send';
      return { text: `Here is your draft. ${ask} — nothing goes out before that.`, draft };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await stores.audit.append({
        actor: input.actor,
        action: 'request.refused',
        details: { code: error.code, reason: error.message },
      });
      return { text: error.message, draft: null, refused: error.code };
    }
  }

  async getDraft(id: string): Promise<Draft | null> {
    // No draft id holds a null byte or a broken character: such an id names nothing (and cannot be queried).
    if (!isStorable(id)) return null;
    return this.deps.stores.drafts.get(id);
  }

  /** Approve a draft: exactly one of any number of concurrent confirms wins. Throws AppError for everyone else. */
  async confirm(id: string, actor: Actor): Promise<Draft> {
    const { stores, clock, policy } = this.deps;
    const draft = await this.loadDecidable(id, actor, 'confirm');
    let confirmed: Draft | null;
    try {
      // Limits are checked inside the confirm's transaction, serialised across replicas.
      confirmed = await stores.drafts.confirm(id, actor, clock.now(), { actor, action: 'draft.confirmed', draftId: id }, (counts) =>
        assertWithinRateLimits(policy, counts),
      );
    } catch (error) {
      if (AppError.is(error, 'denied:rate_limit')) await this.refuse(draft, actor, 'confirm', error.message);
      throw error;
    }
    if (!confirmed) return this.lost(id, 'confirm');
    this.metrics.decision('confirm', 'ok');
    this.deps.onConfirmed?.(confirmed);
    return confirmed;
  }

  async cancel(id: string, actor: Actor): Promise<Draft> {
    await this.loadDecidable(id, actor, 'cancel');
    const cancelled = await this.deps.stores.drafts.cancel(id, actor, this.deps.clock.now(), {
      actor,
      action: 'draft.cancelled',
      draftId: id,
    });
    if (!cancelled) return this.lost(id, 'cancel');
    this.metrics.decision('cancel', 'ok');
    return cancelled;
  }

  /** Change a pending draft. The result is validated and policy-checked again; the audit keeps before and after. */
  async edit(id: string, actor: Actor, patch: DraftPatch): Promise<Draft> {
    const { stores, clock, policy } = this.deps;
    const draft = await this.loadDecidable(id, actor, 'edit');
    const before: SendRequest = { channel: draft.channel, to: draft.to, text: draft.text, subject: draft.subject };
    const merged: SendRequest = {
      channel: patch.channel ?? draft.channel,
      to: patch.to ?? draft.to,
      text: patch.text ?? draft.text,
      subject: patch.subject === undefined ? draft.subject : patch.subject,
    };
    let after: SendRequest;
    try {
      after = validateSendRequest(merged, this.deps.defaultRegion);
      const scope = contactScope(draft.conversation);
      assertAllowed(policy, after, await stores.contacts.has(scope, after.channel, after.to));
    } catch (error) {
      if (error instanceof AppError) await this.refuse(draft, actor, 'edit', error.message);
      throw error;
    }
    const edited = await stores.drafts.edit(id, after, clock.now(), {
      actor,
      action: 'draft.edited',
      draftId: id,
      details: { before, after },
    });
    if (!edited) return this.lost(id, 'edit');
    this.metrics.decision('edit', 'ok');
    return edited;
  }

  /**
   * Before showing an edit form: the draft, if `actor` may edit it now.
   * Otherwise throws the sentence to show, and audits the refused click.
   */
  async openEdit(id: string, actor: Actor): Promise<Draft> {
    return this.loadDecidable(id, actor, 'edit');
  }

  /** The person's latest drafts, newest first (for "history" commands). */
  async history(actor: Actor, limit = 10): Promise<Draft[]> {
    return this.deps.stores.drafts.listByRequester(actor, limit);
  }

  /** Load a draft and check that `actor` may decide it now; refusals are audited and thrown as sentences. */
  private async loadDecidable(id: string, actor: Actor, action: 'confirm' | 'cancel' | 'edit'): Promise<Draft> {
    assertStorableActor(actor);
    const draft = await this.getDraft(id);
    if (!draft) throw draftNotFound();
    const refusal = deciderRefusal(this.deps.policy, draft.requester, actor, action);
    if (refusal) {
      await this.refuse(draft, actor, action, refusal);
      throw new AppError('denied:decider', refusal);
    }
    if (!isDecidable(draft, this.deps.clock.now())) {
      this.metrics.decision(action, 'conflict');
      throw this.notPendingError(draft);
    }
    return draft;
  }

  private async refuse(draft: Draft, actor: Actor, action: string, reason: string): Promise<void> {
    this.metrics.decision(action as 'confirm', 'refused');
    await this.deps.stores.audit.append({ actor, action: 'decision.refused', draftId: draft.id, details: { attempted: action, reason } });
  }

  /** The conditional update matched nothing: someone else decided first, or the draft expired meanwhile. */
  private async lost(id: string, action: 'confirm' | 'cancel' | 'edit'): Promise<never> {
    this.metrics.decision(action, 'conflict');
    const current = await this.deps.stores.drafts.get(id);
    throw current ? this.notPendingError(current) : draftNotFound();
  }

  private notPendingError(draft: Draft): AppError {
    const by = draft.decidedBy ? ` by ${actorLabel(draft.decidedBy)}` : '';
    switch (draft.status) {
      case 'pending':
      case 'expired':
        return new AppError('expired:draft', 'This draft has expired; nothing was sent. Ask again to make a new one.');
      case 'cancelled':
        return new AppError('conflict:draft', `This draft was already cancelled${by}; nothing was sent.`);
      case 'failed':
        return new AppError('conflict:draft', `This draft was already decided${by}, and sending it failed.`);
      default:
        return new AppError('conflict:draft', `This draft was already approved${by}; it is sent only once.`);
    }
  }
}

/** An actor is written into audit entries; one the database cannot hold is refused before anything is written. */
function assertStorableActor(actor: Actor): void {
  assertStorable('userId', actor.userId);
  assertStorable('name', actor.name);
}
