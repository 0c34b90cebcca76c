import type { ChatHistory } from '../core/chat-history.js';
import type { Clock, ConversationStore, DraftStore, InboundDedupe, Logger } from '../core/ports.js';
import { PeriodicTask } from './periodic-task.js';

export interface MaintenanceOptions {
  /** How often to run, ms. Default 1 h. */
  intervalMs?: number;
  /**
   * How long to remember an inbound event id, ms. Default 24 h: Slack retries
   * an event for about an hour and Telegram redelivers an update until it is
   * acknowledged, so a day is ample and keeps the table small.
   */
  dedupeRetentionMs?: number;
  /**
   * How long to keep a conversation's state after its last change, ms. Default
   * 7 days: a question unanswered (or an edit prompt unreplied) for a week is
   * abandoned — its draft expired long ago — and the table would otherwise only grow.
   */
  conversationRetentionMs?: number;
  /**
   * How long to keep a draft in a final state (sent, failed, cancelled, expired)
   * after its last change, ms: the policy's `retentionDays`. Default 90 days.
   */
  draftRetentionMs?: number;
  /** Rows per DELETE: small batches keep each transaction (and its locks) short. Default 500. */
  batchSize?: number;
}

const DAY_MS = 86_400_000;

/**
 * Periodic housekeeping: forgets inbound event ids (Slack event ids, Telegram
 * update ids) old enough that no platform will redeliver them, and conversation
 * state (multi-turn questions, Telegram edit prompts) untouched for a week,
 * and drafts in a final state past the retention period (the audit log is
 * never purged: its rows name drafts by id only, so they outlive them).
 * Every replica may run it. Each purge deletes small batches, oldest first on
 * an index, skipping rows another replica is deleting, so overlapping runs are
 * harmless and no statement holds many locks.
 */
export class Maintenance extends PeriodicTask {
  private readonly dedupeRetentionMs: number;
  private readonly conversationRetentionMs: number;
  private readonly draftRetentionMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly deps: {
      dedupe: InboundDedupe;
      conversations: ConversationStore;
      drafts: Pick<DraftStore, 'purgeDecided'>;
      /** The console's chats: forgotten with the drafts their cards show. */
      chats?: Pick<ChatHistory, 'purge'> | undefined;
      clock: Clock;
      logger: Logger;
    },
    options: MaintenanceOptions = {},
  ) {
    super(options.intervalMs ?? 3_600_000, deps.logger, 'housekeeping purge failed; trying again at the next run');
    this.dedupeRetentionMs = options.dedupeRetentionMs ?? DAY_MS;
    this.conversationRetentionMs = options.conversationRetentionMs ?? 7 * DAY_MS;
    this.draftRetentionMs = options.draftRetentionMs ?? 90 * DAY_MS;
    this.batchSize = options.batchSize ?? 500;
  }

  /** One run; resolves to how many rows were forgotten (inbound event ids, conversations, drafts and console chats). */
  protected async work(): Promise<number> {
    const now = this.deps.clock.now().getTime();
    const eventsBefore = new Date(now - this.dedupeRetentionMs);
    const conversationsBefore = new Date(now - this.conversationRetentionMs);
    const draftsBefore = new Date(now - this.draftRetentionMs);
    const [inboundEvents, conversations] = await Promise.all([
      this.inBatches((limit) => this.deps.dedupe.purge(eventsBefore, limit)),
      this.inBatches((limit) => this.deps.conversations.purge(conversationsBefore, limit)),
    ]);
    if (inboundEvents + conversations > 0) {
      this.deps.logger.info(
        { inboundEvents, conversations, eventsBefore: eventsBefore.toISOString(), conversationsBefore: conversationsBefore.toISOString() },
        'forgot old inbound event ids and conversations',
      );
    }
    const drafts = await this.inBatches((limit) => this.deps.drafts.purgeDecided(draftsBefore, limit));
    if (drafts > 0) this.deps.logger.info({ drafts, draftsBefore: draftsBefore.toISOString() }, 'purged final drafts past the retention period');
    const { chats } = this.deps;
    const chatRows = chats ? await this.inBatches((limit) => chats.purge(draftsBefore, limit)) : 0;
    if (chatRows > 0) this.deps.logger.info({ chatRows, chatsBefore: draftsBefore.toISOString() }, 'forgot console chats unused past the retention period');
    return inboundEvents + conversations + drafts + chatRows;
  }

  /** Repeat a batched purge until a batch comes back short; returns the total. */
  private async inBatches(purge: (limit: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const purged = await purge(this.batchSize);
      total += purged;
      if (purged < this.batchSize) return total;
    }
  }
}
