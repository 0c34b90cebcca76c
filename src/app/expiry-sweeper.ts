import type { AuditLog, Clock, DraftStore, Logger, Notifier } from '../core/ports.js';

/** Turns pending drafts past their expiry into `expired` and updates their cards. */
export class ExpirySweeper {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: { drafts: DraftStore; audit: AuditLog; notifier: Notifier; clock: Clock; logger: Logger },
    private readonly intervalMs = 15_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep().catch((err) => this.deps.logger.error({ err }, 'expiry sweep failed')), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass; returns how many drafts expired. */
  async sweep(): Promise<number> {
    const expired = await this.deps.drafts.expireDue(this.deps.clock.now(), 100);
    for (const draft of expired) {
      await this.deps.audit.append({ actor: null, action: 'draft.expired', draftId: draft.id });
      try {
        await this.deps.notifier.draftChanged(draft);
      } catch (err) {
        this.deps.logger.warn({ err, draftId: draft.id }, 'could not update the expired card');
      }
    }
    return expired.length;
  }
}
