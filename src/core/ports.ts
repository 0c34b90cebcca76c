/**
 * Ports: what the app needs from the outside world. Adapters implement them
 * (adapters/db, adapters/relay, adapters/openai, …); tests pass fakes.
 */
import type { Draft, DraftPatch } from './draft.js';
import type { Interpretation, InterpretContext, PartialSendRequest, Turn } from './interpretation.js';
import type { DraftingCounts, RateCounts } from './policy.js';
import type { Actor, Channel, ConversationRef, Platform, SendRequest } from './send-request.js';

/** Something that happened, for the audit log. `actor` null means relaybot itself. */
export interface AuditEventInput {
  actor: Actor | null;
  /**
   * e.g. `draft.created`, `draft.edited`, `draft.confirmed`, `draft.cancelled`, `draft.expired`,
   * `decision.refused`, `request.refused`, `delivery.claimed`, `delivery.sent`, `delivery.retry`,
   * `delivery.failed`, `delivery.released`, `contact.saved`, `contact.removed`.
   */
  action: string;
  draftId?: string | null | undefined;
  /** Structured facts; secrets are redacted before storage. */
  details?: Record<string, unknown> | undefined;
}

export interface AuditEntry {
  /** Position in the chain, from 1. */
  seq: number;
  at: Date;
  actor: Actor | null;
  action: string;
  draftId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  draftId?: string | undefined;
  /** `platform:userId` */
  actor?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  /** Newest first; default 100, at most 1000. */
  limit?: number | undefined;
}

/**
 * A signed head of the chain: entry `seq` had hash `hash` when the checkpoint
 * was taken (`at`, ISO-8601); `mac` signs the three with the audit key. Kept
 * outside the database, it lets verify tell a deleted tail or a rewritten
 * history from an intact chain.
 */
export interface AuditCheckpoint {
  seq: number;
  hash: string;
  at: string;
  mac: string;
}

/** A checkpoint as read back from a file: `line` names it in a failure. */
export interface SavedCheckpoint {
  line: number;
  checkpoint: AuditCheckpoint;
}

export type AuditVerifyResult =
  /** `legacy`: entries written before the log was keyed (the chain's first `legacy` entries). */
  | { ok: true; count: number; legacy: number; head: { seq: number; hash: string } }
  /** `checkpointLine`: set when the failure is that a saved checkpoint is not (or no longer) in the chain. */
  | { ok: false; count: number; brokenSeq: number; reason: string; checkpointLine?: number };

export interface AuditLog {
  /** Record one entry durably; it is linked into the hash chain moments later (one chain across processes). */
  append(event: AuditEventInput): Promise<void>;
  /** Entries matching the filter, newest first. */
  list(filter?: AuditFilter): Promise<AuditEntry[]>;
  /**
   * Walk the whole chain from the first entry, checking every mac and link;
   * report the first entry that does not verify, or the first checkpoint
   * (bad mac, or a head the chain no longer contains).
   */
  verify(checkpoints?: SavedCheckpoint[]): Promise<AuditVerifyResult>;
  /** The signed head of the chain now (every committed event sealed first). */
  checkpoint(at?: Date): Promise<AuditCheckpoint>;
}

export interface NewDraft extends SendRequest {
  requester: Actor;
  conversation: ConversationRef;
  /** Where its card will be shown, when that is known before drafting (a Slack response_url). */
  cardRef?: string | null;
  /** Why the requester (an agent) asks, shown on every card. */
  reason?: string | null;
  /** Time to live from `now`, in milliseconds. */
  ttlMs: number;
  /** W3C traceparent of the drafting request, when tracing is on. */
  traceparent?: string | null;
  /** When to send; null or absent: when approved. */
  sendAt?: Date | null;
  /** The requester's zone (cards show `sendAt` in it); default UTC. */
  timeZone?: string;
  heldForQuietHours?: boolean;
}

/**
 * Drafts and their delivery jobs. Every mutating method writes its audit
 * event in the same transaction as the change, so the log never misses a step.
 * Decisions are conditional updates on the draft's id *and version*: they
 * return null when the draft was not pending and unexpired at that version
 * (someone else decided first, it expired, or it was edited meanwhile).
 */
export interface DraftStore {
  create(draft: NewDraft, now: Date, audit: AuditEventInput): Promise<Draft>;
  get(id: string): Promise<Draft | null>;
  /**
   * pending → confirmed if still at `version`, and enqueue its delivery job, in one transaction.
   * `withinLimits`, when given, is called inside that transaction with the
   * requester's rate counts — serialised with every other confirm, on every
   * replica, so concurrent clicks cannot overshoot a limit. It throws to
   * refuse; then nothing changes and the error reaches the caller.
   */
  confirm(id: string, version: number, by: Actor, now: Date, audit: AuditEventInput, withinLimits?: (counts: RateCounts) => void): Promise<Draft | null>;
  /** pending → cancelled, if still at `version`; `by` null when relaybot itself withdraws it. */
  cancel(id: string, version: number, by: Actor | null, now: Date, audit: AuditEventInput): Promise<Draft | null>;
  /**
   * scheduled → cancelled, in one conditional statement that also removes its
   * outbox job — only while no worker has claimed the job. Null when too late
   * (claimed, sent, failed) or not scheduled.
   */
  cancelScheduled(id: string, by: Actor, now: Date, audit: AuditEventInput): Promise<Draft | null>;
  /** Replace the editable fields of a pending draft at `version` (already validated); the version goes up by one. */
  edit(id: string, version: number, patch: DraftPatch, now: Date, audit: AuditEventInput): Promise<Draft | null>;
  /** Remember where the card was posted (Slack ts, Telegram message id). */
  setCardRef(id: string, cardRef: string): Promise<void>;
  /** pending drafts whose expiry has passed → expired; returns those it changed (at most `limit`). */
  expireDue(now: Date, limit: number): Promise<Draft[]>;
  /** The requester's latest drafts, newest first. */
  listByRequester(requester: Actor, limit: number): Promise<Draft[]>;
  /** Drafts still pending (not expired) at `now` that were asked for in one chat (`conversation.chatId`) of `platform`. */
  listPendingInChat(platform: Platform, chatId: string, now: Date): Promise<Draft[]>;
  /** Confirmed-or-later drafts in the rate-limit windows ending at `now`, and the requester's drafts still pending at `now`. */
  rateCounts(requester: Actor, channel: Channel, to: string, now: Date): Promise<DraftingCounts>;
  /**
   * Retention: delete up to `limit` drafts in a final state (sent, failed,
   * cancelled, expired) last changed before `before`, oldest first; returns how
   * many. Their audit events stay (the log is never purged).
   */
  purgeDecided(before: Date, limit: number): Promise<number>;
}

export interface DeliveryJob {
  draft: Draft;
  /** This attempt's number, from 1. */
  attempt: number;
}

/** The outbox of confirmed drafts. Claims use FOR UPDATE SKIP LOCKED, so replicas never share a job. */
export interface DeliveryQueue {
  /** Claim up to `limit` due jobs, lease each for `leaseMs`, and mark their drafts `sending`. */
  claim(now: Date, leaseMs: number, limit: number): Promise<DeliveryJob[]>;
  /** The relay accepted: draft → sent; job done. */
  succeed(draftId: string, result: { dryRun: boolean; relayMessageId: string | null }, now: Date, audit: AuditEventInput): Promise<Draft | null>;
  /** Release the job to be tried again at `at`. */
  retryAt(draftId: string, at: Date, lastError: string, audit: AuditEventInput): Promise<void>;
  /** Give up: draft → failed with a reason a person can read; job done. */
  fail(draftId: string, reason: string, now: Date, audit: AuditEventInput): Promise<Draft | null>;
  /** Release a claimed job now without counting an attempt (graceful shutdown). */
  release(draftId: string): Promise<void>;
}

/** One address that must not be messaged. */
export interface OptOut {
  /** Normalised like a recipient: E.164 phone, lower-case email, @username or numeric id. */
  address: string;
  addedBy: Actor | null;
  createdAt: Date;
}

/** Addresses that asked not to be messaged. Every change is audited in the same transaction. */
export interface OptOutList {
  /** Add (no-op when already there); returns false when it was already listed. */
  add(address: string, by: Actor | null, now: Date, audit: AuditEventInput): Promise<boolean>;
  /** Remove; returns false when it was not listed. */
  remove(address: string, now: Date, audit: AuditEventInput): Promise<boolean>;
  has(address: string): Promise<boolean>;
  /** Oldest first, at most `limit` (default 1000). */
  list(limit?: number): Promise<OptOut[]>;
}

export interface Contact {
  scope: string;
  name: string;
  channel: Channel;
  address: string;
  createdAt: Date;
}

/**
 * Contact books: per scope (`slack:T123`, `telegram:<chat id>`, `web`), plus
 * `global` entries (from the CLI) that every scope sees. Names match case-insensitively.
 */
export interface ContactBook {
  /** Save (or replace the address of) a contact; `audit`, when given, is recorded in the same transaction. */
  save(scope: string, name: string, channel: Channel, address: string, now: Date, audit?: AuditEventInput): Promise<Contact>;
  /** Contacts with this name visible from `scope` (its own, then global). */
  find(scope: string, name: string): Promise<Contact[]>;
  list(scope: string): Promise<Contact[]>;
  /** Remove the scope's own contacts with this name; `audit`, when given, is recorded with the removal (only if one was removed). */
  remove(scope: string, name: string, audit?: AuditEventInput): Promise<number>;
  /** Is this exact channel + address saved, in `scope` or global? */
  has(scope: string, channel: Channel, address: string): Promise<boolean>;
  /** The saved name for this exact channel + address (the scope's own before a global one), or null. */
  nameFor(scope: string, channel: Channel, address: string): Promise<string | null>;
}

export interface ConversationState {
  pending: PartialSendRequest | null;
  history: Turn[];
  updatedAt: Date;
}

/** Multi-turn state per conversation (and person), kept in the database so it survives a restart. */
export interface ConversationStore {
  get(key: string): Promise<ConversationState | null>;
  put(key: string, state: ConversationState): Promise<void>;
  clear(key: string): Promise<void>;
  /** Forget up to `limit` conversations last updated before `before` (abandoned questions, old edit prompts), oldest first; returns how many. */
  purge(before: Date, limit: number): Promise<number>;
}

/** Inbound event dedupe (Slack event ids, Telegram update_id). */
export interface InboundDedupe {
  /** True the first time `source` + `eventId` is seen; false on a retry or duplicate. */
  firstSeen(source: string, eventId: string, now: Date): Promise<boolean>;
  /** Forget up to `limit` events older than `before`, oldest first; returns how many. */
  purge(before: Date, limit: number): Promise<number>;
}

export interface RelayMessage extends SendRequest {
  idempotencyKey: string;
}

export interface RelayResult {
  dryRun: boolean;
  relayMessageId: string | null;
  status: number;
}

/**
 * The messaging relay. One call is one attempt: it resolves on 2xx and throws
 * AppError otherwise — `unavailable:relay` with isRetryable (429, 5xx, timeout,
 * network; retryAfterMs from Retry-After) or `rejected:relay` (other 4xx).
 */
export interface Relay {
  readonly dryRun: boolean;
  send(message: RelayMessage): Promise<RelayResult>;
}

/** Turns a person's words into a proposal. Never throws for bad model output: asks instead. */
export interface Interpreter {
  readonly name: string;
  interpret(text: string, context: InterpretContext): Promise<Interpretation>;
}

/** Tells the front-end that drafted when a draft changes (sending, sent, failed, expired). */
export interface Notifier {
  draftChanged(draft: Draft): Promise<void>;
}

export interface Clock {
  now(): Date;
}

/** Counters and timings for /metrics. Every method is cheap and never throws. */
export interface Metrics {
  draftCreated(channel: Channel): void;
  decision(action: 'confirm' | 'cancel' | 'edit', outcome: 'ok' | 'refused' | 'conflict'): void;
  /** One relay attempt; `seconds` is its duration. */
  relayAttempt(outcome: 'sent' | 'dry_run' | 'retry' | 'failed', seconds: number): void;
  /** How long the interpreter took for one message, in seconds. */
  interpretDuration(interpreter: string, seconds: number): void;
  /** The sealer refused a pending audit event whose mac does not verify (forged, or another key's). */
  auditEventRefused(): void;
  /** Draft created → decided (confirm or cancel), in seconds: how long approval takes. */
  approvalWait?(action: 'confirm' | 'cancel', seconds: number): void;
  /** Decision (confirm) → the relay accepted the message, in seconds: queueing, retries and the relay call. */
  relayAcceptance?(seconds: number): void;
}

export const noopMetrics: Metrics = {
  draftCreated: () => {},
  decision: () => {},
  relayAttempt: () => {},
  interpretDuration: () => {},
  auditEventRefused: () => {},
};

/** The slice of pino the app uses (so the app does not import pino). */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
