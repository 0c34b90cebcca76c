import { backoffMs } from '../core/backoff.js';
import type { Draft } from '../core/draft.js';
import { AppError } from '../core/errors.js';
import type { Clock, DeliveryJob, DeliveryQueue, Logger, Metrics, Notifier, Relay } from '../core/ports.js';
import { noopMetrics } from '../core/ports.js';

export interface DeliveryWorkerOptions {
  /**
   * How long a claimed job is ours before another process may take it over
   * (crash recovery), ms. Default 30 s. Keep it longer than the relay timeout
   * (10 s), or a slow attempt may be retried while it is still running — the
   * idempotency key makes that harmless, but it costs a request.
   */
  leaseMs?: number;
  /** How often to look for due jobs (other replicas' confirms, retries), ms. Default 1000. */
  pollMs?: number;
  /** Deliveries in flight at once (and jobs claimed per round). Default 10. */
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Delivers confirmed drafts from the outbox. Any replica may run one: claims
 * use SKIP LOCKED, and a job whose lease lapses (its process died) is claimed
 * again and retried with the same idempotency key, so the relay drops a
 * duplicate. Up to `batchSize` deliveries run at once; a finished one frees
 * its slot for the next due job at once, so one slow relay call does not hold
 * back the others.
 */
export class DeliveryWorker {
  private readonly opts: Required<DeliveryWorkerOptions>;
  private readonly metrics: Metrics;
  /** The one slot limit: deliveries running in this process, never more than `batchSize`. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Jobs handed back at shutdown: whatever their relay call answers later is no longer ours to record. */
  private readonly released = new Set<string>();
  /** The one wake signal: a confirm here, a freed slot or a retry falling due ends the wait for the next poll. */
  private readonly wake = new WakeSignal();
  /** The claim loop while it runs; undefined before start, and never restarted after stop. */
  private loop: Promise<void> | undefined;
  private stopped: Promise<void> | null = null;

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
    if (this.stopped || this.loop) return;
    this.loop = this.claimLoop();
  }

  /** Look for work now (called right after a local confirm so delivery does not wait for the next poll). */
  kick(): void {
    this.wake.notify();
  }

  /** Deliveries currently running in this process. */
  get activeJobs(): number {
    return this.inFlight.size;
  }

  /**
   * Stop claiming; let in-flight deliveries finish for up to `graceMs`, then
   * hand the rest back to the outbox (`release`) so another process — or this
   * one restarted — retries them now instead of after the lease. Idempotent.
   */
  stop(graceMs = 10_000): Promise<void> {
    this.stopped ??= this.shutdown(graceMs);
    return this.stopped;
  }

  /** Claim one batch and deliver it; returns how many jobs it handled. Tests drive the worker with this. */
  async runOnce(): Promise<number> {
    const jobs = await this.deps.deliveries.claim(this.deps.clock.now(), this.opts.leaseMs, this.opts.batchSize);
    await Promise.all(jobs.map((job) => this.track(job)));
    return jobs.length;
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.wake.notify();
    await this.loop;
    if (this.inFlight.size > 0) {
      await Promise.race([Promise.allSettled(this.inFlight.values()), sleep(graceMs)]);
    }
    const unfinished = [...this.inFlight.keys()];
    for (const draftId of unfinished) {
      this.released.add(draftId);
      try {
        await this.deps.deliveries.release(draftId);
      } catch (error) {
        // The lease will lapse instead; the job is retried a little later.
        this.deps.logger.warn({ err: error, draftId }, 'could not release an unfinished delivery');
      }
    }
    if (unfinished.length > 0) {
      this.deps.logger.warn({ released: unfinished.length }, 'stopped with deliveries unfinished; released them for another process to retry');
    }
  }

  /**
   * Fill free slots with due jobs; when nothing more is due (or every slot is
   * busy), wait for the wake signal or the poll — the poll only finds other
   * replicas' confirms and is a safety net for the rest.
   */
  private async claimLoop(): Promise<void> {
    while (!this.stopped) {
      const free = this.opts.batchSize - this.inFlight.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const jobs = await this.deps.deliveries.claim(this.deps.clock.now(), this.opts.leaseMs, free);
          claimed = jobs.length;
          // A finished delivery frees a slot: look for the next due job straight away.
          for (const job of jobs) void this.track(job).then(() => this.wake.notify());
        } catch (error) {
          this.deps.logger.error({ err: error }, 'could not claim deliveries; trying again at the next poll');
        }
      }
      // Every free slot filled, and some still free: more may be due at once.
      if (this.stopped || (free > 0 && claimed === free && this.inFlight.size < this.opts.batchSize)) continue;
      await this.wake.wait(this.opts.pollMs);
    }
  }

  /** Run one delivery; never rejects (a database error leaves the lease to lapse, and the job is retried). */
  private track(job: DeliveryJob): Promise<void> {
    const id = job.draft.id;
    const running = this.deliver(job)
      .catch((error: unknown) => {
        this.deps.logger.error({ err: error, draftId: id }, 'delivery bookkeeping failed; the job is retried when its lease lapses');
      })
      .finally(() => {
        this.inFlight.delete(id);
        this.released.delete(id);
      });
    this.inFlight.set(id, running);
    return running;
  }

  private async deliver(job: DeliveryJob): Promise<void> {
    const { draft, attempt } = job;
    const { deliveries, relay, clock } = this.deps;
    const details = { attempt, idempotencyKey: draft.idempotencyKey, channel: draft.channel };
    if (attempt > this.opts.maxAttempts) {
      // Earlier attempts never reported back (their process died mid-delivery, again and again): stop here.
      await this.giveUp(draft, `Delivery was interrupted ${attempt - 1} times; gave up.`, 'unavailable:relay', details, 0);
      return;
    }
    // The "sending" card update runs beside the relay call, but lands before the outcome's.
    const cardUpdated = attempt === 1 ? this.notify(draft) : Promise.resolve();
    const started = performance.now();
    try {
      const result = await relay.send({
        channel: draft.channel, to: draft.to, text: draft.text, subject: draft.subject, idempotencyKey: draft.idempotencyKey,
      });
      this.metrics.relayAttempt(result.dryRun ? 'dry_run' : 'sent', (performance.now() - started) / 1000);
      if (this.released.has(draft.id)) return;
      const sent = await deliveries.succeed(draft.id, result, clock.now(), {
        actor: null,
        action: 'delivery.sent',
        draftId: draft.id,
        details: { ...details, status: result.status, dryRun: result.dryRun, relayMessageId: result.relayMessageId },
      });
      await cardUpdated;
      if (sent) await this.notify(sent);
    } catch (error) {
      const seconds = (performance.now() - started) / 1000;
      const appError = error instanceof AppError ? error : new AppError('unavailable:relay', 'The relay could not be reached.', { cause: error, isRetryable: true });
      if (this.released.has(draft.id)) return;
      await cardUpdated;
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
        setTimeout(() => this.wake.notify(), delay).unref();
        return;
      }
      const final = appError.isRetryable ? `${reason} (gave up after ${attempt} attempts)` : reason;
      await this.giveUp(draft, final, appError.code, details, seconds);
    }
  }

  /** The job is over: draft → failed with a reason a person can read, and the requester's card says so. */
  private async giveUp(draft: Draft, reason: string, code: string, details: Record<string, unknown>, seconds: number): Promise<void> {
    this.metrics.relayAttempt('failed', seconds);
    const failed = await this.deps.deliveries.fail(draft.id, reason, this.deps.clock.now(), {
      actor: null,
      action: 'delivery.failed',
      draftId: draft.id,
      details: { ...details, error: reason, code },
    });
    if (failed) await this.notify(failed);
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

/**
 * Wakes one waiter before its timeout. A notify that comes while nobody waits
 * is kept for the next wait, so a confirm made during a claim is not missed.
 */
class WakeSignal {
  private pending = false;
  private resolve: (() => void) | null = null;

  notify(): void {
    if (this.resolve) this.resolve();
    else this.pending = true;
  }

  wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.resolve = null;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      this.resolve = done;
    });
  }
}
