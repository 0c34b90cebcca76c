/** ConversationStore: multi-turn state per conversation key, one row each, so it survives restarts and replicas. */
import { eq, sql } from 'drizzle-orm';
import type { ConversationStore } from '../../core/ports.js';
import type { AppDb } from './client.js';
import { purgeOldest } from './purge-oldest.js';
import { conversations } from './schema.js';

export function createConversationStore(db: AppDb): ConversationStore {
  // Prepared: both run for every message.
  const byKey = db.select().from(conversations).where(eq(conversations.key, sql.placeholder('key'))).limit(1).prepare('relaybot_conversation_get');
  const upsert = db
    .insert(conversations)
    .values({ key: sql.placeholder('key'), state: sql`${sql.placeholder('state')}::jsonb`, updatedAt: sql`${sql.placeholder('updatedAt')}::timestamptz` })
    .onConflictDoUpdate({ target: conversations.key, set: { state: sql`excluded.state`, updatedAt: sql`excluded.updated_at` } })
    .prepare('relaybot_conversation_put');
  return {
    async get(key) {
      const [row] = await byKey.execute({ key });
      if (!row) return null;
      return { pending: row.state.pending ?? null, history: row.state.history ?? [], updatedAt: row.updatedAt };
    },

    async put(key, state) {
      await upsert.execute({ key, state: JSON.stringify({ pending: state.pending, history: state.history }), updatedAt: state.updatedAt.toISOString() });
    },

    async clear(key) {
      await db.delete(conversations).where(eq(conversations.key, key));
    },

    purge: (before, limit) => purgeOldest(db, conversations, conversations.updatedAt, before, limit),
  };
}
