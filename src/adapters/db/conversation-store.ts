/** ConversationStore: multi-turn state per conversation key, one row each, so it survives restarts and replicas. */
import { eq, lt } from 'drizzle-orm';
import type { ConversationStore } from '../../core/ports.js';
import type { AppDb } from './client.js';
import { conversations } from './schema.js';

export function createConversationStore(db: AppDb): ConversationStore {
  return {
    async get(key) {
      const [row] = await db.select().from(conversations).where(eq(conversations.key, key)).limit(1);
      if (!row) return null;
      return { pending: row.state.pending ?? null, history: row.state.history ?? [], updatedAt: row.updatedAt };
    },

    async put(key, state) {
      const value = { state: { pending: state.pending, history: state.history }, updatedAt: state.updatedAt };
      await db
        .insert(conversations)
        .values({ key, ...value })
        .onConflictDoUpdate({ target: conversations.key, set: value });
    },

    async clear(key) {
      await db.delete(conversations).where(eq(conversations.key, key));
    },

    async purge(before) {
      const removed = await db.delete(conversations).where(lt(conversations.updatedAt, before)).returning({ key: conversations.key });
      return removed.length;
    },
  };
}
