import type { DraftCards } from '../core/agent-ports.js';
import { AppError, draftNotFound, type ErrorCode } from '../core/errors.js';
import { isFinal, type Draft } from '../core/draft.js';
import type { AuditLog, Clock, DraftStore, Logger } from '../core/ports.js';
import { actorKey, type Actor, type SendRequest } from '../core/send-request.js';
import type { AgentCards } from './agent-cards.js';
import type { RelayBot } from './relaybot.js';

export interface AgentRequestInput {
  /** `{platform: 'agent', userId: <name>}` */
  agent: Actor;
  /** A structured request; or `words` to be understood like a chat message. */
  request?: SendRequest;
  words?: string;
  reason?: string;
}

/** Where an agent's request stands, as the MCP tools report it. */
export interface AgentDraftStatus {
  draftId: string;
  version: number;
  /** The draft's status; a pending draft past its expiry reads `expired`. */
  status: string;
  expiresAt: string;
  reason: string | null;
  /** `platform:userId` of the person who approved or cancelled. */
  decidedBy?: string;
  decidedAt?: string;
  sentAt?: string;
  /** Why sending failed. */
  error?: string;
}

export interface AgentRequestsDeps {
  bot: RelayBot;
  drafts: DraftStore;
  cards: DraftCards;
  agentCards: AgentCards;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** How often a wait re-reads the draft (a decision may land on another replica); default 500 ms. */
  pollMs?: number;
}

/**
 * The use cases behind the MCP tools: an agent asks for a send (its card goes
 * to every `agents.notify` destination), reads where its own requests stand,
 * waits for a decision, or withdraws its own pending request. Agents never
 * approve or edit: RelayBot's decider rules refuse them.
 */
export class AgentRequests {
  constructor(private readonly deps: AgentRequestsDeps) {}

  /** Draft the request and show its card to the approvers; throws AppError with the sentence for a refusal. */
  async request(input: AgentRequestInput): Promise<Draft> {
    const { bot, agentCards, clock } = this.deps;
    const reply = await bot.handleMessage({
      actor: input.agent,
      conversation: { platform: 'agent', chatId: input.agent.userId },
      text: input.words ?? input.request?.text ?? '',
      ...(input.request ? { request: input.request } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
    });
    // No draft: a refusal, or understanding needs more (its question is the sentence).
    if (!reply.draft) throw new AppError((reply.refused as ErrorCode | undefined) ?? 'invalid:request', reply.text);
    const shown = await agentCards.post(reply.draft, clock.now());
    if (shown.length === 0) {
      await bot.withdrawUnshown(reply.draft, 'no agents.notify destination could show the card');
      throw new AppError('denied:policy', 'No approver could be shown this request (no destination in agents.notify could take the card), so it was withdrawn; nothing was sent.');
    }
    return reply.draft;
  }

  /** The agent's own request; anyone else's reads as not found (an agent learns nothing about others' drafts). */
  async own(agent: Actor, draftId: string): Promise<Draft> {
    const draft = await this.deps.bot.getDraft(draftId);
    if (!draft || actorKey(draft.requester) !== actorKey(agent)) throw draftNotFound();
    return draft;
  }

  async status(agent: Actor, draftId: string): Promise<AgentDraftStatus> {
    return this.describe(await this.own(agent, draftId));
  }

  /** Withdraw the agent's own pending request (at the version it has now) and redraw every card. */
  async cancel(agent: Actor, draftId: string): Promise<AgentDraftStatus> {
    const draft = await this.own(agent, draftId);
    const cancelled = await this.deps.bot.cancel(draftId, agent, draft.version);
    await this.deps.agentCards.draftChanged(cancelled);
    return this.describe(cancelled);
  }

  /**
   * Wait up to `seconds` for the agent's request to reach a final state (sent,
   * failed, cancelled, expired). Re-reads the draft every `pollMs` (the
   * decision may be made on another replica) and at once when this process
   * changes it; stops early when `signal` aborts (the client went away).
   */
  async waitForOutcome(agent: Actor, draftId: string, seconds: number, signal?: AbortSignal): Promise<AgentDraftStatus> {
    const deadline = Date.now() + seconds * 1000;
    let draft = await this.own(agent, draftId);
    while (!this.settled(draft) && Date.now() < deadline && !signal?.aborted) {
      await this.nextChange(draftId, Math.min(this.deps.pollMs ?? 500, deadline - Date.now()), signal);
      draft = await this.own(agent, draftId);
    }
    return this.describe(draft);
  }

  private settled(draft: Draft): boolean {
    return isFinal(draft.status) || draft.expiresAt.getTime() <= this.deps.clock.now().getTime();
  }

  /** Resolves after `ms`, or sooner when this process changes the draft or the wait is aborted. */
  private nextChange(draftId: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      const unsubscribe = this.deps.agentCards.onChange((id) => id === draftId && done());
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  async describe(draft: Draft): Promise<AgentDraftStatus> {
    const now = this.deps.clock.now();
    const status = draft.status === 'pending' && draft.expiresAt <= now ? 'expired' : draft.status;
    const out: AgentDraftStatus = {
      draftId: draft.id,
      version: draft.version,
      status,
      expiresAt: draft.expiresAt.toISOString(),
      reason: draft.reason ?? null,
    };
    if (draft.decidedBy) out.decidedBy = actorKey(draft.decidedBy);
    if (draft.decidedAt) out.decidedAt = draft.decidedAt.toISOString();
    if (draft.status === 'failed' && draft.failureReason) out.error = draft.failureReason;
    if (draft.status === 'sent') {
      const sent = (await this.deps.audit.list({ draftId: draft.id, limit: 50 })).find((e) => e.action === 'delivery.sent');
      if (sent) out.sentAt = sent.at.toISOString();
    }
    return out;
  }
}
