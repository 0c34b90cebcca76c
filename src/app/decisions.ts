import { AppError, draftNotFound } from '../core/errors.js';
import { isDecidable, notDecidableError, staleVersionMessage, type Draft, type DraftPatch } from '../core/draft.js';
import { assertWithinRateLimits, deciderRefusal, versionRequired } from '../core/policy.js';
import type { ContactBook, Metrics } from '../core/ports.js';
import type { Actor, ConversationRef, SendRequest } from '../core/send-request.js';
import { assertStorableActor, isStorable } from '../core/storable-text.js';
import { validateSendRequest } from '../core/validation.js';
import { contactScope } from './conversation-keys.js';
import { assertRecipientAllowed } from './recipient-check.js';
import type { RelayBotDeps } from './relaybot.js';
import { inSpan, linkActiveSpanToDraft } from './tracing.js';
import { planSchedule } from './scheduling.js';

export type DecisionAction = 'confirm' | 'cancel' | 'edit';

/**
 * Deciding and editing drafts: who may, at which version, exactly one winner
 * of concurrent decisions, and an audit entry for every refusal. Front-ends
 * reach these through RelayBot.
 */
export class Decisions {
  constructor(private readonly deps: RelayBotDeps, private readonly metrics: Metrics) {}

  async getDraft(id: string): Promise<Draft | null> {
    // No draft id holds a null byte or a broken character: such an id names nothing (and cannot be queried).
    if (!isStorable(id)) return null;
    return this.deps.stores.drafts.get(id);
  }

  /**
   * Approve a draft at the version the approver saw (`seen`; when omitted, the
   * current one — refused where `versionRequired`). Exactly one of any number of
   * concurrent confirms wins, and only if the draft is still that version.
   * Throws AppError for everyone else.
   */
  confirm(id: string, actor: Actor, seen?: number): Promise<Draft> {
    return this.decisionSpan('confirm', id, () => this.confirmNow(id, actor, seen));
  }

  private async confirmNow(id: string, actor: Actor, seen?: number): Promise<Draft> {
    const { stores, clock, policy } = this.deps;
    const draft = await this.loadDecidable(id, actor, 'confirm', seen);
    const version = seen ?? draft.version;
    let confirmed: Draft | null;
    try {
      // Limits are checked inside the confirm's transaction, serialised across replicas.
      confirmed = await stores.drafts.confirm(
        id, version, actor, clock.now(), { actor, action: 'draft.confirmed', draftId: id, details: { version } },
        (counts) => assertWithinRateLimits(policy, counts),
      );
    } catch (error) {
      if (AppError.is(error, 'denied:rate_limit')) await this.refuse(draft, actor, 'confirm', error.message);
      throw error;
    }
    if (!confirmed) return this.lost(id, actor, 'confirm', version);
    this.metrics.decision('confirm', 'ok');
    this.observeApprovalWait('confirm', confirmed);
    this.deps.onConfirmed?.(confirmed);
    return confirmed;
  }

  /** Cancel a draft, if it is still the version the person saw (`seen`; when omitted, the current one). */
  cancel(id: string, actor: Actor, seen?: number): Promise<Draft> {
    return this.decisionSpan('cancel', id, () => this.cancelNow(id, actor, seen));
  }

  private async cancelNow(id: string, actor: Actor, seen?: number): Promise<Draft> {
    const draft = await this.loadFor(id, actor);
    // An approved schedule is cancelled against its outbox job; once claimed, the answer is "too late".
    if (draft.sendAt && ['scheduled', 'sending', 'sent', 'failed'].includes(draft.status)) return this.cancelScheduled(draft, actor, seen);
    await this.assertDecidable(draft, actor, 'cancel', seen);
    const version = seen ?? draft.version;
    const cancelled = await this.deps.stores.drafts.cancel(id, version, actor, this.deps.clock.now(), {
      actor,
      action: 'draft.cancelled',
      draftId: id,
      details: { version },
    });
    if (!cancelled) return this.lost(id, actor, 'cancel', version);
    this.metrics.decision('cancel', 'ok');
    this.observeApprovalWait('cancel', cancelled);
    this.redrawElsewhere(cancelled, actor);
    return cancelled;
  }

  /**
   * Call off an approved send that is waiting for its time. It works until a
   * worker claims the job (one conditional statement decides between the two);
   * after that the sentence says it is already on its way. Every card redraws.
   */
  private async cancelScheduled(draft: Draft, actor: Actor, seen: number | undefined): Promise<Draft> {
    await this.assertDecider(draft, actor, 'cancel');
    if (seen !== undefined && seen !== draft.version) throw await this.staleVersion(draft, actor, 'cancel', seen);
    const cancelled = await this.deps.stores.drafts.cancelScheduled(draft.id, actor, this.deps.clock.now(), {
      actor,
      action: 'draft.cancelled',
      draftId: draft.id,
      details: { version: draft.version, scheduled: true, sendAt: draft.sendAt?.toISOString() },
    });
    if (!cancelled) {
      const current = (await this.deps.stores.drafts.get(draft.id)) ?? draft;
      this.metrics.decision('cancel', 'conflict');
      await this.refuse(current, actor, 'cancel', 'too late: the scheduled send was already claimed');
      throw new AppError('conflict:draft', current.status === 'cancelled' ? 'This scheduled send was already cancelled; nothing was sent.' : 'Too late to cancel: this send is already on its way (or done).');
    }
    this.metrics.decision('cancel', 'ok');
    this.redrawElsewhere(cancelled, actor);
    return cancelled;
  }

  /**
   * The front-end could not show the draft's card (the platform's rate limit
   * outlasted our retries, the bot was removed): nobody can approve what
   * nobody sees, so relaybot withdraws it, and the audit says why. Returns
   * null when the draft was no longer pending.
   */
  withdrawUnshown(draft: Pick<Draft, 'id' | 'version'>, detail: string): Promise<Draft | null> {
    return this.withdraw(draft, 'card_not_shown', detail, this.deps.clock.now());
  }

  /**
   * The bot can no longer reach a chat (removed from it, or blocked): its
   * cards there can never be seen or pressed again, so relaybot withdraws
   * every draft still pending in it, each audited with `reason`. Returns those withdrawn.
   */
  async withdrawFromChat(where: Pick<ConversationRef, 'platform' | 'chatId'>, reason: string, detail: string): Promise<Draft[]> {
    const now = this.deps.clock.now();
    const pending = await this.deps.stores.drafts.listPendingInChat(where.platform, where.chatId, now);
    const withdrawn: Draft[] = [];
    for (const draft of pending) {
      const cancelled = await this.withdraw(draft, reason, detail, now);
      if (cancelled) withdrawn.push(cancelled);
    }
    return withdrawn;
  }

  /** Cancelled by relaybot itself (actor null), if still pending at the version it has; audited with why. */
  private withdraw(draft: Pick<Draft, 'id' | 'version'>, reason: string, detail: string, now: Date): Promise<Draft | null> {
    return this.deps.stores.drafts.cancel(draft.id, draft.version, null, now, {
      actor: null,
      action: 'draft.cancelled',
      draftId: draft.id,
      details: { reason, detail },
    });
  }

  /**
   * Change a pending draft that is still the version the editor saw (`seen`;
   * when omitted, the current one); its version goes up by one. The result is
   * validated and policy-checked again; the audit keeps before and after.
   */
  edit(id: string, actor: Actor, patch: DraftPatch, seen?: number): Promise<Draft> {
    return this.decisionSpan('edit', id, () => this.editNow(id, actor, patch, seen));
  }

  private async editNow(id: string, actor: Actor, patch: DraftPatch, seen?: number): Promise<Draft> {
    const { stores, clock, policy } = this.deps;
    const draft = await this.loadDecidable(id, actor, 'edit', seen);
    const version = seen ?? draft.version;
    patch = await resolveEditRecipient(stores.contacts, draft.conversation, patch);
    const before: SendRequest = { channel: draft.channel, to: draft.to, text: draft.text, subject: draft.subject };
    const merged: SendRequest = {
      channel: patch.channel ?? draft.channel,
      to: patch.to ?? draft.to,
      text: patch.text ?? draft.text,
      subject: patch.subject === undefined ? draft.subject : patch.subject,
    };
    let after: SendRequest;
    let schedule: Pick<DraftPatch, 'sendAt' | 'heldForQuietHours'> = {};
    try {
      after = validateSendRequest(merged, this.deps.defaultRegion);
      await assertRecipientAllowed({ policy, contacts: stores.contacts, optOuts: stores.optOuts }, after, draft.conversation);
      // A new time (or "now", null) is planned like a new draft's: ahead, within reach, quiet hours applied.
      if (patch.sendAt !== undefined) schedule = planSchedule(policy, patch.sendAt, clock.now(), draft.timeZone);
    } catch (error) {
      if (error instanceof AppError) await this.refuse(draft, actor, 'edit', error.message);
      throw error;
    }
    const scheduleChange = schedule.sendAt !== undefined
      ? { sendAt: { from: draft.sendAt?.toISOString() ?? null, to: schedule.sendAt?.toISOString() ?? null } }
      : {};
    const edited = await stores.drafts.edit(id, version, { ...after, ...schedule }, clock.now(), {
      actor,
      action: 'draft.edited',
      draftId: id,
      details: { before, after, version: { from: version, to: version + 1 }, ...scheduleChange },
    });
    if (!edited) return this.lost(id, actor, 'edit', version);
    this.metrics.decision('edit', 'ok');
    this.redrawElsewhere(edited, actor);
    return edited;
  }

  /**
   * Before showing an edit form: the draft, if `actor` may edit it now (and it
   * is still the version the card showed, `seen`). Otherwise throws the
   * sentence to show, and audits the refused click.
   */
  async openEdit(id: string, actor: Actor, seen?: number): Promise<Draft> {
    return this.loadDecidable(id, actor, 'edit', seen);
  }

  /**
   * Load a draft and check that `actor` may decide it now, at the version they
   * saw (`seen`); refusals are audited and thrown as sentences.
   */
  private async loadDecidable(id: string, actor: Actor, action: DecisionAction, seen: number | undefined): Promise<Draft> {
    const draft = await this.loadFor(id, actor);
    await this.assertDecidable(draft, actor, action, seen);
    return draft;
  }

  /** The draft a person is about to decide, read once. */
  private async loadFor(id: string, actor: Actor): Promise<Draft> {
    assertStorableActor(actor);
    const draft = await this.getDraft(id);
    if (!draft) throw draftNotFound();
    // The decision's span (in the click's own trace) links to the trace the draft was made in.
    linkActiveSpanToDraft(draft);
    return draft;
  }

  /** Only the requester (or an approver) decides; anyone else is refused and audited. */
  private async assertDecider(draft: Draft, actor: Actor, action: DecisionAction): Promise<void> {
    const refusal = deciderRefusal(this.deps.policy, draft.requester, actor, action);
    if (refusal) {
      await this.refuse(draft, actor, action, refusal);
      throw new AppError('denied:decider', refusal);
    }
  }

  /** May `actor` decide `draft` now, at the version they saw? Refusals are audited. */
  private async assertDecidable(draft: Draft, actor: Actor, action: DecisionAction, seen: number | undefined): Promise<void> {
    await this.assertDecider(draft, actor, action);
    if (!isDecidable(draft, this.deps.clock.now())) {
      this.metrics.decision(action, 'conflict');
      throw notDecidableError(draft);
    }
    if (seen === undefined && action === 'confirm' && versionRequired(this.deps.policy, draft)) {
      const reason = `version: say which version of the draft you approve (it is now v${draft.version}); an approver confirms only what they saw.`;
      await this.refuse(draft, actor, action, reason);
      throw new AppError('invalid:request', reason);
    }
    if (seen !== undefined && seen !== draft.version) throw await this.staleVersion(draft, actor, action, seen);
  }

  /** A decision is a span of the click's trace, linked (in loadDecidable) to the draft's first trace. */
  private decisionSpan(action: DecisionAction, id: string, decide: () => Promise<Draft>): Promise<Draft> {
    return inSpan('relaybot.decision', { attributes: { 'relaybot.draft.id': id, 'relaybot.decision': action } }, decide);
  }

  /** Draft → decision: how long people take to approve (or cancel). */
  private observeApprovalWait(action: 'confirm' | 'cancel', draft: Draft): void {
    const decidedAt = draft.decidedAt ?? this.deps.clock.now();
    this.metrics.approvalWait?.(action, Math.max(0, decidedAt.getTime() - draft.createdAt.getTime()) / 1000);
  }

  private async refuse(draft: Draft, actor: Actor, action: DecisionAction, reason: string, extra: Record<string, unknown> = {}): Promise<void> {
    this.metrics.decision(action, 'refused');
    await this.deps.stores.audit.append({ actor, action: 'decision.refused', draftId: draft.id, details: { attempted: action, reason, ...extra } });
  }

  /** A decision about a version that is no longer the draft's: refused, audited with both versions, nothing changes. */
  private async staleVersion(draft: Draft, actor: Actor, action: DecisionAction, seen: number): Promise<AppError> {
    const reason = staleVersionMessage(seen, draft.version);
    await this.refuse(draft, actor, action, reason, { seenVersion: seen, currentVersion: draft.version });
    return new AppError('conflict:version', reason, { details: { seenVersion: seen, currentVersion: draft.version } });
  }

  /**
   * The conditional update matched nothing: someone else decided first, the
   * draft expired, or it was edited between our read and our update. Read it
   * again to say which.
   */
  private async lost(id: string, actor: Actor, action: DecisionAction, version: number): Promise<never> {
    const current = await this.deps.stores.drafts.get(id);
    if (!current) throw draftNotFound();
    if (isDecidable(current, this.deps.clock.now()) && current.version !== version) {
      throw await this.staleVersion(current, actor, action, version);
    }
    this.metrics.decision(action, 'conflict');
    throw notDecidableError(current);
  }

  /** Let the front-end that drafted redraw its card when the change came from elsewhere (its own listeners redraw theirs). */
  private redrawElsewhere(draft: Draft, actor: Actor): void {
    const { notifier, logger } = this.deps;
    if (!notifier || actor.platform === draft.conversation.platform) return;
    void notifier.draftChanged(draft).catch((err: unknown) => {
      logger?.warn({ err: err instanceof Error ? err.message : String(err), draftId: draft.id }, 'could not redraw the card after a change');
    });
  }
}

/**
 * A contact's name in `to` means that contact, on its own channel — the same
 * for every front-end's edit (a Telegram reply, Slack's modal, the web PATCH).
 * Only one match fills it (on `channel`, when the edit names one); anything
 * else is left as typed, and validation says why it is not an address.
 */
export async function resolveEditRecipient(contacts: ContactBook, conversation: ConversationRef, patch: DraftPatch): Promise<DraftPatch> {
  const to = patch.to?.trim();
  if (!to || /[@+\d]/.test(to.charAt(0))) return patch;
  const found = (await contacts.find(contactScope(conversation), to)).filter((c) => !patch.channel || c.channel === patch.channel);
  if (found.length !== 1) return patch;
  return { ...patch, to: found[0]!.address, channel: found[0]!.channel };
}
