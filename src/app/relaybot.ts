import type { Card } from '../core/card.js';
import type { Draft, DraftPatch } from '../core/draft.js';
import type { Policy } from '../core/policy.js';
import type {
  AuditEntry, AuditFilter, AuditLog, Clock, ContactBook, ConversationStore, DeliveryQueue, DraftStore, InboundDedupe, Interpreter, Logger, Metrics, Notifier, OptOutList,
} from '../core/ports.js';
import { noopMetrics } from '../core/ports.js';
import type { Actor, ConversationRef, SendRequest } from '../core/send-request.js';
import { safeErrorText } from '../safe-error.js';
import { Cards } from './cards.js';
import { concurrencyLimit } from './concurrency-limit.js';
import { Contacts } from './contacts.js';
import { Conversations } from './conversations.js';
import { Decisions } from './decisions.js';
import type { DraftPreviewer } from './draft-preview.js';
import { draftFromWords, inMessageSpan } from './drafting.js';
import type { FrontEnd } from './front-end.js';
import { OptOuts } from './opt-outs.js';
import { sendAtFromWords } from './scheduling.js';

export interface RelayBotStores {
  drafts: DraftStore;
  deliveries: DeliveryQueue;
  audit: AuditLog;
  contacts: ContactBook;
  conversations: ConversationStore;
  dedupe: InboundDedupe;
  optOuts: OptOutList;
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
  /**
   * Redraws a draft's card on the front-end that drafted it (Slack, Telegram).
   * Called after an edit or cancel made from another front-end (e.g. the web
   * API editing a Slack draft), so no card keeps showing a version that is gone.
   */
  notifier?: Notifier;
  /** Where cards live and how they are redrawn; default: one over `stores.drafts` (front-ends attach to it). */
  cards?: Cards;
  /** What cards preview about the recipient, for the default `cards` (a given `cards` brings its own); none: the draft's fields only. */
  previews?: Pick<DraftPreviewer, 'preview'>;
}

export interface MessageInput {
  actor: Actor;
  conversation: ConversationRef;
  text: string;
  /** Where a draft's card will be shown, when the front-end knows before drafting (saves an update later). */
  cardRef?: string;
  /** A structured request (an agent's tool call): used as the proposal instead of understanding `text`. */
  request?: SendRequest;
  /** Why the requester asks (agents); stored with the draft, shown on its cards, audited. */
  reason?: string;
  /** The person's own IANA zone when the platform tells it (Slack's users.info `tz`); times are read and shown in it instead of the policy's. */
  timeZone?: string;
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
 * The use cases every front-end calls: turn words into a draft, decide or
 * edit drafts, keep contacts, drop a request in progress, and keep cards in
 * step with drafts. The model only proposes; the app validates, applies
 * policy and records every step. Front-ends get this and nothing else: no store.
 */
export class RelayBot {
  private readonly metrics: Metrics;
  private readonly limitMessages: ReturnType<typeof concurrencyLimit>;
  private readonly decisions: Decisions;
  /** Contact books, one rule for every front-end and the CLI. */
  readonly contacts: Contacts;
  /** Requests in progress and edit prompts. */
  readonly conversations: Conversations;
  /** Where each card lives; the one card-sync algorithm. */
  readonly cards: Cards;
  /** The opt-out list (CLI, HTTP, Slack and Telegram commands): normalised, approvers only, audited. */
  readonly optOuts: OptOuts;

  constructor(private readonly deps: RelayBotDeps) {
    this.metrics = deps.metrics ?? noopMetrics;
    this.limitMessages = concurrencyLimit(deps.maxConcurrentMessages ?? 4);
    const { stores, clock, defaultRegion } = deps;
    this.cards = deps.cards ?? new Cards({ drafts: stores.drafts, clock, logger: deps.logger ?? silent, previews: deps.previews });
    this.decisions = new Decisions({ ...deps, notifier: deps.notifier ?? this.cards }, this.metrics);
    this.contacts = new Contacts({ contacts: stores.contacts, clock, defaultRegion });
    this.conversations = new Conversations({ conversations: stores.conversations, clock });
    this.optOuts = new OptOuts({ optOuts: stores.optOuts, audit: stores.audit, policy: deps.policy, defaultRegion, now: () => clock.now() });
  }

  get policy(): Policy {
    return this.deps.policy;
  }

  /** Understand one message and, when it is a complete send request that policy allows, create a pending draft. */
  handleMessage(input: MessageInput): Promise<AgentReply> {
    // The span includes the wait for a free slot; its trace is the draft's first trace.
    return inMessageSpan(input, () => this.limitMessages(() => draftFromWords(this.deps, this.metrics, input)));
  }

  /**
   * The whole drafting flow for a front-end that posts cards as messages:
   * understand the words, post the draft's card in the conversation, record
   * where it lives. A card that cannot be posted withdraws its draft (nobody
   * can approve what nobody sees) and the answer says so.
   */
  async draftAndShow(frontEnd: FrontEnd, input: MessageInput): Promise<AgentReply> {
    const reply = await this.handleMessage(input);
    if (!reply.draft) return reply;
    try {
      const draft = reply.draft;
      const card = await this.cardFor(draft);
      const ref = await this.cards.posting(draft, frontEnd.platform, () => frontEnd.postCard(input.conversation, card));
      await this.cards.record(reply.draft.id, ref);
      return { ...reply, draft: { ...reply.draft, cardRef: ref } };
    } catch (err) {
      const reason = safeErrorText(err);
      this.deps.logger?.warn({ err: reason, draftId: reply.draft.id }, 'could not post a draft card; the draft is withdrawn');
      const withdrawn = await this.withdrawUnshown(reply.draft, `${frontEnd.platform}: ${reason}`);
      return { text: 'I could not show you the draft card, so I cancelled that draft; nothing was sent. Ask again.', draft: withdrawn, refused: 'unavailable:card' };
    }
  }

  getDraft(id: string): Promise<Draft | null> {
    return this.decisions.getDraft(id);
  }

  /**
   * Approve a draft at the version the approver saw (`seen`; when omitted, the
   * current one — refused where `versionRequired`). Exactly one of any number of
   * concurrent confirms wins, and only if the draft is still that version.
   * Throws AppError for everyone else.
   */
  confirm(id: string, actor: Actor, seen?: number): Promise<Draft> {
    return this.decisions.confirm(id, actor, seen);
  }

  /**
   * Cancel a draft, if it is still the version the person saw (`seen`; when
   * omitted, the current one). An approved scheduled send can be cancelled
   * until a worker claims it; after that the answer is "too late".
   */
  cancel(id: string, actor: Actor, seen?: number): Promise<Draft> {
    return this.decisions.cancel(id, actor, seen);
  }

  /**
   * Change a pending draft that is still the version the editor saw; its
   * version goes up by one. A contact's name in `to` is that contact, the same
   * on every front-end. Validated and policy-checked again; audited with before and after.
   */
  edit(id: string, actor: Actor, patch: DraftPatch, seen?: number): Promise<Draft> {
    return this.decisions.edit(id, actor, patch, seen);
  }

  /** A new schedule in the person's words, for an edit (null: when approved); throws the question when unclear. */
  readSendAt(words: string, draft: Pick<Draft, 'timeZone'>): Date | null {
    return sendAtFromWords(words, this.deps.policy, this.deps.clock.now(), draft.timeZone);
  }

  /** Before showing an edit form: the draft, if `actor` may edit it now (at `seen`); otherwise throws the sentence (audited). */
  openEdit(id: string, actor: Actor, seen?: number): Promise<Draft> {
    return this.decisions.openEdit(id, actor, seen);
  }

  /** The front-end could not show the draft's card: withdrawn (nobody can approve what nobody sees), audited. */
  withdrawUnshown(draft: Pick<Draft, 'id' | 'version'>, detail: string): Promise<Draft | null> {
    return this.decisions.withdrawUnshown(draft, detail);
  }

  /** The bot can no longer reach a chat: every draft still pending there is withdrawn, each audited with `reason`. */
  withdrawFromChat(where: Pick<ConversationRef, 'platform' | 'chatId'>, reason: string, detail: string): Promise<Draft[]> {
    return this.decisions.withdrawFromChat(where, reason, detail);
  }

  /** The draft's card as of now, with what the recipient gets (contact name, SMS segments, dry run) when previews are wired. */
  cardFor(draft: Draft): Promise<Card> {
    return this.cards.cardFor(draft);
  }

  /** The person's latest drafts, newest first (for "history" commands). */
  async history(actor: Actor, limit = 10): Promise<Draft[]> {
    return this.deps.stores.drafts.listByRequester(actor, limit);
  }

  /** True the first time a platform delivers this event id (`source`: `slack`, `telegram`…); false on a redelivery, on any replica. */
  firstDelivery(source: string, eventId: string): Promise<boolean> {
    return this.deps.stores.dedupe.firstSeen(source, eventId, this.deps.clock.now());
  }

  /** Audit entries, newest first. */
  auditEntries(filter: AuditFilter): Promise<AuditEntry[]> {
    return this.deps.stores.audit.list(filter);
  }

  /** Check the whole audit chain from entry 1 (every link, hash and MAC), as `relaybot audit verify` does. */
  verifyAudit(): ReturnType<AuditLog['verify']> {
    return this.deps.stores.audit.verify();
  }

  /** The app's clock (cards show expiry relative to it). */
  now(): Date {
    return this.deps.clock.now();
  }
}

const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };
