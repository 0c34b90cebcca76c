/** ChatHistory: the web console's chats and their messages, per person. */
import { and, desc, eq, gt, asc, sql } from 'drizzle-orm';
import { chatTitle, type ChatHistory, type ChatMessage, type ChatSummary } from '../../core/chat-history.js';
import type { AppDb } from './client.js';
import { purgeOldest } from './purge-oldest.js';
import { chatMessages, chats, type ChatRow } from './schema.js';

const summary = (row: ChatRow): ChatSummary => ({ id: row.id, title: row.title, createdAt: row.createdAt, updatedAt: row.updatedAt });

export function createChatHistory(db: AppDb): ChatHistory {
  return {
    async append(userId, chatId, messages, now) {
      if (messages.length === 0) return;
      const first = messages.find((m) => m.role === 'user') ?? messages[0]!;
      await db.transaction(async (tx) => {
        // The title is set once, from the first request; later messages only move the chat up the list.
        await tx
          .insert(chats)
          .values({ userId, id: chatId, title: chatTitle(first.text) || 'New chat', createdAt: now, updatedAt: now })
          .onConflictDoUpdate({ target: [chats.userId, chats.id], set: { updatedAt: sql`excluded.updated_at` } });
        await tx.insert(chatMessages).values(
          messages.map((m) => ({ userId, chatId, role: m.role, text: m.text, draftId: m.draftId ?? null, at: now })),
        );
      });
    },

    async list(userId, limit = 50) {
      const rows = await db
        .select()
        .from(chats)
        .where(eq(chats.userId, userId))
        .orderBy(desc(chats.updatedAt))
        .limit(limit);
      return rows.map(summary);
    },

    async get(userId, chatId, options = {}) {
      const [row] = await db.select().from(chats).where(and(eq(chats.userId, userId), eq(chats.id, chatId))).limit(1);
      if (!row) return null;
      const rows = await db
        .select()
        .from(chatMessages)
        .where(and(eq(chatMessages.userId, userId), eq(chatMessages.chatId, chatId), gt(chatMessages.seq, options.afterSeq ?? 0)))
        .orderBy(asc(chatMessages.seq))
        .limit(options.limit ?? 500);
      const messages: ChatMessage[] = rows.map((m) => ({
        seq: m.seq,
        role: m.role === 'assistant' ? 'assistant' : 'user',
        text: m.text,
        draftId: m.draftId,
        at: m.at,
      }));
      return { chat: summary(row), messages };
    },

    async purge(before, limit) {
      const messages = await purgeOldest(db, chatMessages, chatMessages.at, before, limit);
      if (messages >= limit) return messages;
      return messages + (await purgeOldest(db, chats, chats.updatedAt, before, limit - messages));
    },
  };
}
