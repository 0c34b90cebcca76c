import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ConsoleChats } from '../../app/console-chats.js';
import { storable } from '../../core/storable-text.js';
import { DEFAULT_WEB_USER } from './chat-route.js';
import { badRequest, describeZodError } from './http-errors.js';

/** `userId` names whose chats these are, as in the chat body (trusted on loopback or with the token). */
const listQuery = z.object({
  userId: storable(z.string().trim().min(1, 'must not be empty').max(200)).default(DEFAULT_WEB_USER),
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
});
const chatQuery = listQuery.omit({ limit: true }).extend({
  after: z.coerce.number({ error: 'must be a message seq, a whole number' }).int('must be a whole number').min(0, 'must be 0 or more').default(0),
});
const chatId = storable(z.string().trim().min(1).max(200));

/** A repeated query key arrives as an array: the first one wins; an empty value means "not given". */
const queryOf = (req: Request) =>
  Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v === '' ? undefined : v]));

const iso = (d: Date) => d.toISOString();

/**
 * `GET /api/chats` (the person's chats, most recent first) and
 * `GET /api/chats/:id?after=` (one chat's messages after seq `after`), for
 * the console's sidebar, reloads and second tabs.
 */
export function chatsRoutes(chats: Pick<ConsoleChats, 'list' | 'get'>): Router {
  const router = Router();

  router.get('/api/chats', async (req, res) => {
    const parsed = listQuery.safeParse(queryOf(req));
    if (!parsed.success) {
      badRequest(res, describeZodError(parsed.error));
      return;
    }
    const list = await chats.list(parsed.data.userId, parsed.data.limit);
    res.json({ chats: list.map((c) => ({ id: c.id, title: c.title, createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt) })) });
  });

  router.get('/api/chats/:id', async (req, res) => {
    const parsed = chatQuery.safeParse(queryOf(req));
    if (!parsed.success) {
      badRequest(res, describeZodError(parsed.error));
      return;
    }
    const id = chatId.safeParse(req.params.id);
    const found = id.success ? await chats.get(parsed.data.userId, id.data, { afterSeq: parsed.data.after }) : null;
    if (!found) {
      res.status(404).json({ error: `No chat ${JSON.stringify(req.params.id.slice(0, 200))} for ${parsed.data.userId}.`, code: 'not_found:chat' });
      return;
    }
    const { chat, messages } = found;
    res.json({
      chat: { id: chat.id, title: chat.title, createdAt: iso(chat.createdAt), updatedAt: iso(chat.updatedAt) },
      messages: messages.map((m) => ({ seq: m.seq, role: m.role, text: m.text, draftId: m.draftId, at: iso(m.at) })),
    });
  });

  return router;
}
