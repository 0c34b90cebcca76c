import type { Clock, ConversationStore, InboundDedupe, Logger } from '../core/ports.js';
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
}

/**
 * Periodic housekeeping: forgets inbound event ids (Slack event ids, Telegram
 * update ids) old enough that no platform will redeliver them, and conversation
 * state (multi-turn questions, Telegram edit prompts) untouched for a week.
 * Every replica may run it; each purge is one idempotent DELETE, so overlapping
 * runs are harmless.
 */
export class Maintenance {
  private readonly dedupeRetentionMs: number;
  private readonly conversationRetentionMs: number;
  private readonly task: PeriodicTask;

  constructor(
    private readonly deps: { dedupe: InboundDedupe; conversations: ConversationStore; clock: Clock; logger: Logger },
    options: MaintenanceOptions = {},
  ) {
    this.dedupeRetentionMs = options.dedupeRetentionMs ?? 86_400_000;
    this.conversationRetentionMs = options.conversationRetentionMs ?? 7 * 86_400_000;
    this.task = new PeriodicTask(() => this.purge(), options.intervalMs ?? 3_600_000, deps.logger, 'housekeeping purge failed; trying again at the next run');
  }

  /** Run now (a replica that restarts often still purges), then every `intervalMs`. */
  start(): void {
    this.task.start();
  }

  /** Stop; resolves once a run in progress has finished. */
  stop(): Promise<void> {
    return this.task.stop();
  }

  /** One run; returns how many rows were forgotten (inbound event ids plus conversations). */
  runOnce(): Promise<number> {
    return this.task.run();
  }

  private async purge(): Promise<number> {
    const now = this.deps.clock.now().getTime();
    const eventsBefore = new Date(now - this.dedupeRetentionMs);
    const conversationsBefore = new Date(now - this.conversationRetentionMs);
    const [inboundEvents, conversations] = await Promise.all([
      this.deps.dedupe.purge(eventsBefore),
      this.deps.conversations.purge(conversationsBefore),
    ]);
    if (inboundEvents + conversations > 0) {
      this.deps.logger.info(
        { inboundEvents, conversations, eventsBefore: eventsBefore.toISOString(), conversationsBefore: conversationsBefore.toISOString() },
        'forgot old inbound event ids and conversations',
      );
    }
    return inboundEvents + conversations;
  }
}
