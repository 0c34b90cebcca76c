import type { Clock, InboundDedupe, Logger } from '../core/ports.js';

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
  private readonly intervalMs: number;
  private readonly retentionMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(private readonly deps: { dedupe: InboundDedupe; clock: Clock; logger: Logger }, options: MaintenanceOptions = {}) {
    this.intervalMs = options.intervalMs ?? 3_600_000;
    this.retentionMs = options.dedupeRetentionMs ?? 86_400_000;
  }

  /** Run now (a replica that restarts often still purges), then every `intervalMs`. */
  start(): void {
    const tick = () => {
      void this.runOnce().catch((err) => this.deps.logger.warn({ err }, 'inbound-dedupe purge failed; trying again at the next run'));
    };
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
    tick();
  }

  /** Stop; resolves once a run in progress has finished. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One run; returns how many inbound event ids were forgotten. */
  runOnce(): Promise<number> {
    this.running ??= (async () => {
      const before = new Date(this.deps.clock.now().getTime() - this.retentionMs);
      const purged = await this.deps.dedupe.purge(before);
      if (purged > 0) this.deps.logger.info({ purged, before: before.toISOString() }, 'forgot old inbound event ids');
      return purged;
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}
