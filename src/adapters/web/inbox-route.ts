import { Router } from 'express';
import { z } from 'zod';
import type { Inbox } from '../../app/inbox.js';
import type { Clock } from '../../core/ports.js';
import type { Actor } from '../../core/send-request.js';
import { storable } from '../../core/storable-text.js';
import { draftView } from './draft-view.js';
import { badRequest, describeZodError } from './http-errors.js';

const querySchema = z.looseObject({
  userId: storable(z.string({ error: 'required: say whose inbox (the console user id)' }).trim().min(1, 'must not be empty').max(200)),
});

/** `GET /api/inbox?userId=…`: the console's pending approvals (see app/inbox.ts for who sees what). */
export function inboxRoutes(deps: { inbox: Inbox; clock: Clock }): Router {
  const router = Router();
  router.get('/api/inbox', async (req, res) => {
    const parsed = querySchema.safeParse(req.query);
    if (!parsed.success) {
      badRequest(res, describeZodError(parsed.error));
      return;
    }
    const viewer: Actor = { platform: 'web', userId: parsed.data.userId };
    const now = deps.clock.now();
    const { awaitingYou, yours } = await deps.inbox.of(viewer, now);
    res.json({ awaitingYou: awaitingYou.map((d) => draftView(d, now)), yours: yours.map((d) => draftView(d, now)) });
  });
  return router;
}
