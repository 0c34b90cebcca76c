/**
 * InboundDedupe: Slack retries events and Telegram may redeliver updates; the
 * primary key (source, event_id) makes "first time?" one atomic insert, right
 * across replicas.
 */
import { sql } from 'drizzle-orm';
import type { InboundDedupe } from '../../core/ports.js';
import type { AppDb } from './client.js';
import { inboundEvents } from './schema.js';

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
      // A batch at a time, oldest first on inbound_events_seen_idx; SKIP LOCKED leaves rows another replica is purging.
      const { rows } = await db.execute<{ purged: number }>(sql`
        with old as (
          select source, event_id from ${inboundEvents} where seen_at < ${before.toISOString()}::timestamptz
          order by seen_at limit ${limit} for update skip locked
        ),
        d as (delete from ${inboundEvents} e using old where e.source = old.source and e.event_id = old.event_id returning 1)
        select count(*)::int as purged from d`);
      return Number(rows[0]?.purged ?? 0);
    },
  };
}
