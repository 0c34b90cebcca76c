import type { Clock, DraftStore, Logger, Notifier } from '../core/ports.js';
import { PeriodicTask } from './periodic-task.js';

/** Drafts expired per database round; a backlog is worked off in several rounds of one sweep. */
const BATCH = 100;

/**
 * Turns pending drafts past their expiry into `expired` and updates their
 * cards. Every replica may run one: `expireDue` skips rows another replica is
 * expiring (or someone is deciding) right now, and audits each expiry in the
 * same transaction, so a draft expires — and is audited — once.
 */
export class ExpirySweeper extends PeriodicTask {
  constructor(
    private readonly deps: { drafts: DraftStore; notifier: Notifier; clock: Clock; logger: Logger },
    intervalMs = 15_000,
  ) {
    super(intervalMs, deps.logger, 'expiry sweep failed; trying again at the next one');
  }

  /** One pass over everything due; returns how many drafts expired. Overlapping calls share one pass. */
  sweep(): Promise<number> {
    return this.runOnce();
  }

  protected async work(): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = await this.deps.drafts.expireDue(this.deps.clock.now(), BATCH);
      total += expired.length;
      for (const draft of expired) {
        try {
          await this.deps.notifier.draftChanged(draft);
        } catch (err) {
          this.deps.logger.warn({ err, draftId: draft.id }, 'could not update the expired card');
        }
      }
      if (expired.length < BATCH) return total;
    }
  }
}
