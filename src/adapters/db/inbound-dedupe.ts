/**
 * InboundDedupe: Slack retries events and Telegram may redeliver updates; the
 * primary key (source, event_id) makes "first time?" one atomic insert, right
 * across replicas.
 */
import { sql } from 'drizzle-orm';
import type { InboundDedupe } from '../../core/ports.js';
import type { AppDb } from './client.js';
import { inboundEvents, limitLiteral } from './schema.js';

export function createInboundDedupe(db: AppDb): InboundDedupe {
  return {
    async firstSeen(source, eventId, now) {
      const inserted = await db
        .insert(inboundEvents)
        .values({ source, eventId, seenAt: now })
        .onConflictDoNothing()
        .returning({ eventId: inboundEvents.eventId });
      return inserted.length === 1;
    },

    async purge(before, limit) {
      // A batch at a time, oldest first on inbound_events_seen_idx, deleted by row address (a TID scan);
      // SKIP LOCKED leaves rows another replica is purging.
      const { rows } = await db.execute<{ purged: number }>(sql`
        with old as (
          select ctid from ${inboundEvents} where seen_at < ${before.toISOString()}::timestamptz
          order by seen_at limit ${limitLiteral(limit)} for update skip locked
        ),
        d as (delete from ${inboundEvents} where ctid = any(array(select ctid from old)) returning 1)
        select count(*)::int as purged from d`);
      return Number(rows[0]?.purged ?? 0);
    },
  };
}
