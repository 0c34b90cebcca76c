import type { Clock, InboundDedupe, Logger } from '../core/ports.js';
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
}

/**
 * Periodic housekeeping: forgets inbound event ids (Slack event ids, Telegram
 * update ids) old enough that no platform will redeliver them. Every replica
 * may run it; the purge is one idempotent DELETE, so overlapping runs are harmless.
 */
export class Maintenance {
  private readonly retentionMs: number;
  private readonly task: PeriodicTask;

  constructor(private readonly deps: { dedupe: InboundDedupe; clock: Clock; logger: Logger }, options: MaintenanceOptions = {}) {
    this.retentionMs = options.dedupeRetentionMs ?? 86_400_000;
    this.task = new PeriodicTask(() => this.purge(), options.intervalMs ?? 3_600_000, deps.logger, 'inbound-dedupe purge failed; trying again at the next run');
  }

  /** Run now (a replica that restarts often still purges), then every `intervalMs`. */
  start(): void {
    this.task.start();
  }

  /** Stop; resolves once a run in progress has finished. */
  stop(): Promise<void> {
    return this.task.stop();
  }

  /** One run; returns how many inbound event ids were forgotten. */
  runOnce(): Promise<number> {
    return this.task.run();
  }

  private async purge(): Promise<number> {
    const before = new Date(this.deps.clock.now().getTime() - this.retentionMs);
    const purged = await this.deps.dedupe.purge(before);
    if (purged > 0) this.deps.logger.info({ purged, before: before.toISOString() }, 'forgot old inbound event ids');
    return purged;
  }
}
