/**
 * InboundDedupe: Slack retries events and Telegram may redeliver updates; the
 * primary key (source, event_id) makes "first time?" one atomic insert, right
 * across replicas.
 */
import type { InboundDedupe } from '../../core/ports.js';
import type { AppDb } from './client.js';
import { purgeOldest } from './purge-oldest.js';
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

    purge: (before, limit) => purgeOldest(db, inboundEvents, inboundEvents.seenAt, before, limit),
  };
}
