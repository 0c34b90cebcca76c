/**
 * OptOutList over the `opt_outs` table. Each change and its audit event
 * (`optout.added` / `optout.removed`) commit together, and only a real change
 * is audited: adding an address twice records one event.
 */
import { asc, eq, sql } from 'drizzle-orm';
import type { OptOutList } from '../../core/ports.js';
import type { Platform } from '../../core/send-request.js';
import { appendAudit } from './audit-log.js';
import type { AuditKey } from './audit-key.js';
import type { AuditSealer } from './audit-sealer.js';
import type { AppDb } from './client.js';
import { optOuts } from './schema.js';

export function createOptOutList(db: AppDb, sealer: AuditSealer, key: AuditKey): OptOutList {
  // Prepared: every draft and every claimed send asks.
  const lookup = db.select({ address: optOuts.address }).from(optOuts).where(eq(optOuts.address, sql.placeholder('address'))).prepare('relaybot_opt_out_has');
  return {
    async add(address, by, now, audit) {
      const added = await db.transaction(async (tx) => {
        const rows = await tx
          .insert(optOuts)
          .values({ address, addedByPlatform: by?.platform ?? null, addedByUserId: by?.userId ?? null, createdAt: now })
          .onConflictDoNothing()
          .returning({ address: optOuts.address });
        if (rows.length > 0) await appendAudit(tx, key, audit, now);
        return rows.length > 0;
      });
      if (added) sealer.nudge();
      return added;
    },

    async remove(address, now, audit) {
      const removed = await db.transaction(async (tx) => {
        const rows = await tx.delete(optOuts).where(eq(optOuts.address, address)).returning({ address: optOuts.address });
        if (rows.length > 0) await appendAudit(tx, key, audit, now);
        return rows.length > 0;
      });
      if (removed) sealer.nudge();
      return removed;
    },

    async has(address) {
      return (await lookup.execute({ address })).length > 0;
    },

    async list(limit = 1000) {
      const rows = await db.select().from(optOuts).orderBy(asc(optOuts.createdAt), asc(optOuts.address)).limit(limit);
      return rows.map((row) => ({
        address: row.address,
        addedBy: row.addedByPlatform ? { platform: row.addedByPlatform as Platform, userId: row.addedByUserId ?? '' } : null,
        createdAt: row.createdAt,
      }));
    },
  };
}
