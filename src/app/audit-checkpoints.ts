import type { AuditLog, Clock, Logger } from '../core/ports.js';
import { PeriodicTask } from './periodic-task.js';

/** How often a process logs a checkpoint: 10 minutes. */
export const CHECKPOINT_INTERVAL_MS = 600_000;

/**
 * Logs the audit chain's signed head (`audit.checkpoint`: seq, hash, at, mac)
 * at start and every 10 minutes. A log pipeline that keeps these lines keeps a
 * copy of the head outside the database, which is what lets
 * `relaybot audit verify --checkpoint` notice a deleted tail or a rewritten
 * history later. Every replica logs its own; any of them will do.
 */
export class AuditCheckpoints extends PeriodicTask {
  constructor(
    private readonly deps: { audit: AuditLog; clock: Clock; logger: Logger },
    intervalMs = CHECKPOINT_INTERVAL_MS,
  ) {
    super(intervalMs, deps.logger, 'could not take an audit checkpoint; trying again at the next run');
  }

  /** One checkpoint, logged; resolves to its seq. */
  protected async work(): Promise<number> {
    const checkpoint = await this.deps.audit.checkpoint(this.deps.clock.now());
    this.deps.logger.info({ seq: checkpoint.seq, hash: checkpoint.hash, at: checkpoint.at, mac: checkpoint.mac }, 'audit.checkpoint');
    return checkpoint.seq;
  }
}
