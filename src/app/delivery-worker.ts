import { backoffMs } from '../core/backoff.js';
import type { Draft } from '../core/draft.js';
import { AppError } from '../core/errors.js';
import type { Clock, DeliveryJob, DeliveryQueue, Logger, Metrics, Notifier, Relay } from '../core/ports.js';
import { noopMetrics } from '../core/ports.js';

export interface DeliveryWorkerOptions {
  /** How long a claimed job is ours before another process may take it over (crash recovery), ms. Default 30 s — longer than the relay timeout. */
  leaseMs?: number;
  /** How often to look for due jobs (other replicas' confirms, retries), ms. Default 1000. */
  pollMs?: number;
  /** Jobs claimed per round. Default 10. */
  batchSize?: number;
  /** Attempts before giving up. Default 8. */
  maxAttempts?: number;
  /** First retry delay, ms (doubles each attempt, Retry-After wins when longer). Default 1000. */
  backoffBaseMs?: number;
  /** Longest retry delay, ms. Default 60 s. */
  backoffCapMs?: number;
}

export interface DeliveryWorkerDeps {
  deliveries: DeliveryQueue;
  relay: Relay;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
}

/**
 * Delivers confirmed drafts from the outbox. Any replica may run one: claims
 * use SKIP LOCKED, and a job whose lease lapses (its process died) is claimed
 * again and retried with the same idempotency key.
 */
export class DeliveryWorker {
  private readonly opts: Required<DeliveryWorkerOptions>;
  private readonly metrics: Metrics;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopping = false;
  private current: Promise<void> | null = null;
  private rerun = false;

  constructor(private readonly deps: DeliveryWorkerDeps, options: DeliveryWorkerOptions = {}) {
    this.opts = {
      leaseMs: options.leaseMs ?? 30_000,
      pollMs: options.pollMs ?? 1000,
      batchSize: options.batchSize ?? 10,
      maxAttempts: options.maxAttempts ?? 8,
      backoffBaseMs: options.backoffBaseMs ?? 1000,
      backoffCapMs: options.backoffCapMs ?? 60_000,
    };
    this.metrics = deps.metrics ?? noopMetrics;
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  /** Look for work now (called right after a local confirm so delivery does not wait for the next poll). */
  kick(): void {
    if (!this.running || this.stopping) return;
    if (this.current) this.rerun = true;
    else this.schedule(0);
  }

  /** Stop claiming; wait up to `graceMs` for in-flight deliveries to finish. Unfinished leases lapse and another process retries them. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.current) {
      await Promise.race([this.current, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    }
  }

  /** Claim and deliver one batch; returns how many jobs it handled. */
  async runOnce(): Promise<number> {
    const jobs = await this.deps.deliveries.claim(this.deps.clock.now(), this.opts.leaseMs, this.opts.batchSize);
    await Promise.all(jobs.map((job) => this.deliver(job)));
    return jobs.length;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop(), delayMs);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    if (!this.running || this.current) return;
    let handled = 0;
    this.current = (async () => {
      try {
        handled = await this.runOnce();
      } catch (error) {
        this.deps.logger.error({ err: error }, 'delivery round failed');
      }
    })();
    await this.current;
    this.current = null;
    const again = handled >= this.opts.batchSize || this.rerun;
    this.rerun = false;
    if (this.running) this.schedule(again ? 0 : this.opts.pollMs);
  }

  private async deliver(job: DeliveryJob): Promise<void> {
    const { draft, attempt } = job;
    const { deliveries, relay, clock } = this.deps;
    await this.notify(draft);
    const started = performance.now();
    const details = { attempt, idempotencyKey: draft.idempotencyKey, channel: draft.channel };
    try {
      const result = await relay.send({
        channel: draft.channel, to: draft.to, text: draft.text, subject: draft.subject, idempotencyKey: draft.idempotencyKey,
      });
      this.metrics.relayAttempt(result.dryRun ? 'dry_run' : 'sent', (performance.now() - started) / 1000);
      const sent = await deliveries.succeed(draft.id, result, clock.now(), {
        actor: null,
        action: 'delivery.sent',
        draftId: draft.id,
        details: { ...details, status: result.status, dryRun: result.dryRun, relayMessageId: result.relayMessageId },
      });
      if (sent) await this.notify(sent);
    } catch (error) {
      const seconds = (performance.now() - started) / 1000;
      const appError = error instanceof AppError ? error : new AppError('unavailable:relay', 'The relay could not be reached.', { cause: error, isRetryable: true });
      const reason = appError.message;
      if (appError.isRetryable && attempt < this.opts.maxAttempts) {
        this.metrics.relayAttempt('retry', seconds);
        const delay = backoffMs(attempt, appError.retryAfterMs, this.opts.backoffBaseMs, this.opts.backoffCapMs);
        await deliveries.retryAt(draft.id, new Date(clock.now().getTime() + delay), reason, {
          actor: null,
          action: 'delivery.retry',
          draftId: draft.id,
          details: { ...details, error: reason, code: appError.code, retryInMs: delay },
        });
        // Retry in this process when due, rather than waiting for a poll.
        setTimeout(() => this.kick(), delay).unref();
        return;
      }
      this.metrics.relayAttempt('failed', seconds);
      const final = appError.isRetryable ? `${reason} (gave up after ${attempt} attempts)` : reason;
      const failed = await deliveries.fail(draft.id, final, clock.now(), {
        actor: null,
        action: 'delivery.failed',
        draftId: draft.id,
        details: { ...details, error: final, code: appError.code },
      });
      if (failed) await this.notify(failed);
    }
  }

  /** A front-end that cannot be told (Slack down, chat deleted) must not stop delivery. */
  private async notify(draft: Draft): Promise<void> {
    try {
      await this.deps.notifier.draftChanged(draft);
    } catch (error) {
      this.deps.logger.warn({ err: error, draftId: draft.id }, 'could not update the draft card');
    }
  }
}
