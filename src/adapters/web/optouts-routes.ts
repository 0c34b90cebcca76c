import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { OptOuts } from '../../app/opt-outs.js';
import { badRequest, describeZodError, sendAppError } from './http-errors.js';

const who = z
  .string({ error: (issue) => (issue.input === undefined ? 'required: say who makes the change' : 'must be a string') })
  .trim()
  .min(1, 'must not be empty')
  .max(200);
const changeSchema = z.looseObject({
  userId: who,
  address: z.string({ error: (issue) => (issue.input === undefined ? 'required: the phone number, email or @username' : 'must be a string') }).max(320),
});

/**
 * The opt-out list over HTTP: `GET /api/optouts?userId=…`, `POST /api/optouts`
 * and `DELETE /api/optouts` with `{userId, address}`. Same use cases, same
 * normalising and audit as the CLI and the chat commands.
 */
export function optOutsRoutes(optOuts: OptOuts): Router {
  const router = Router();
  const refuse = (res: Response, error: unknown) => {
    if (error instanceof AppError) sendAppError(res, error);
    else throw error;
  };

  router.get('/api/optouts', async (req, res) => {
    const parsed = who.safeParse(req.query.userId);
    if (!parsed.success) {
      badRequest(res, `userId: ${parsed.error.issues[0]?.message ?? 'required'}`);
      return;
    }
    try {
      const list = await optOuts.list({ platform: 'web', userId: parsed.data });
      res.json({ optOuts: list.map((o) => ({ address: o.address, createdAt: o.createdAt.toISOString(), addedBy: o.addedBy })) });
    } catch (error) {
      refuse(res, error);
    }
  });

  for (const method of ['post', 'delete'] as const) {
    router[method]('/api/optouts', async (req: Request, res: Response) => {
      const parsed = changeSchema.safeParse(req.body ?? {});
      if (!parsed.success) {
        badRequest(res, describeZodError(parsed.error));
        return;
      }
      const actor = { platform: 'web' as const, userId: parsed.data.userId };
      try {
        const change = method === 'post' ? await optOuts.add(actor, parsed.data.address) : await optOuts.remove(actor, parsed.data.address);
        res.status(method === 'post' && change.changed ? 201 : 200).json({ address: change.address, changed: change.changed, message: change.text });
      } catch (error) {
        refuse(res, error);
      }
    });
  }
  return router;
}
