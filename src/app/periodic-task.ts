import type { Logger } from '../core/ports.js';

/**
 * Work a process does now and then every `intervalMs` (expiry sweeps,
 * housekeeping, audit checkpoints): a subclass says what in `work()`. Never
 * two runs at once (overlapping calls share the run in progress); `stop()`
 * waits for that run, so the database is never closed under it.
 */
export abstract class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly logger: Logger,
    /** Logged when a run fails; the next run tries again. */
    private readonly failure: string,
  ) {}

  /** One run's work; resolves to what it counted. */
  protected abstract work(): Promise<number>;

  /** Run now (a process that restarts often still does the work), then every `intervalMs`. */
  start(): void {
    const tick = () => void this.runOnce().catch((err) => this.logger.warn({ err }, this.failure));
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

  /** One run now; resolves to what `work` counted. */
  runOnce(): Promise<number> {
    this.running ??= this.work().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}
