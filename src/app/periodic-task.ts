import type { Logger } from '../core/ports.js';

/**
 * Runs `work` now and then every `intervalMs`, never two runs at once
 * (overlapping calls share the run in progress). `stop()` waits for that run,
 * so the database is never closed under it.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly work: () => Promise<number>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    /** Logged when a run fails; the next run tries again. */
    private readonly failure: string,
  ) {}

  /** Run now (a process that restarts often still does the work), then every `intervalMs`. */
  start(): void {
    const tick = () => void this.run().catch((err) => this.logger.warn({ err }, this.failure));
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One run; resolves to what `work` counted. */
  run(): Promise<number> {
    this.running ??= this.work().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}
