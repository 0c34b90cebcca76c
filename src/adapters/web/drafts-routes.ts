import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError, draftNotFound } from '../../core/errors.js';
import type { Clock } from '../../core/ports.js';
import { channelSchema, type Actor } from '../../core/send-request.js';
import type { RelayBot } from '../../app/relaybot.js';
import { draftView } from './draft-view.js';
import { badRequest, describeZodError, sendAppError } from './http-errors.js';

/**
 * Who decides, and which version of the draft they saw. `userId` is as in the
 * chat body (trusted because the caller is on loopback or holds the token) and
 * is required: a decision is always somebody's, never a default user's.
 * `version` may be left out in requester mode (it then means the current one).
 */
const deciderSchema = z.looseObject({
  userId: z
    .string({ error: (issue) => (issue.input === undefined ? 'required: say who decides' : 'must be a string') })
    .trim()
    .min(1, 'must not be empty')
    .max(200),
  version: z.number({ error: 'must be the draft version you saw, a whole number' }).int('must be a whole number').positive('must be 1 or more').optional(),
});

const patchSchema = deciderSchema
  .extend({
    channel: channelSchema.optional(),
    to: z.string({ error: 'must be a string' }).max(1000).optional(),
    text: z.string({ error: 'must be a string' }).max(100_000).optional(),
    subject: z.string({ error: 'must be a string or null' }).max(1000).nullable().optional(),
    // When to send, with its offset (a bare time would be read in the server's zone); null: when approved.
    sendAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with an offset, like 2026-03-27T17:00:00+01:00, or null' }).nullable().optional(),
  })
  .refine((p) => p.channel !== undefined || p.to !== undefined || p.text !== undefined || p.subject !== undefined || p.sendAt !== undefined, {
    message: 'say what to change: channel, to, text, subject or sendAt',
  });

const webActor = (userId: string): Actor => ({ platform: 'web', userId });

/** An absent body (no JSON content type) reads as `{}`, so it is refused for its missing `userId` like an empty one. */
const bodyOf = (req: Request): unknown => req.body ?? {};

export interface DraftsRoutesDeps {
  bot: RelayBot;
  clock: Clock;
}

/**
 * Draft read / edit / decide for the web console and API users. Every refusal
 * is the core's AppError: its sentence goes to the client, its code picks the status.
 */
export function draftsRoutes(deps: DraftsRoutesDeps): Router {
  const router = Router();
  const view = async (res: Response, status: number, draft: Parameters<typeof draftView>[0]): Promise<void> => {
    // The same card Slack and Telegram show, preview included (contact name, SMS segments, dry run).
    res.status(status).json({ draft: draftView(draft, deps.clock.now(), await deps.bot.cardFor(draft)) });
  };

  /** Run a use case; its AppError becomes a JSON refusal, anything else goes to the error funnel. */
  const decide = async (res: Response, work: () => Promise<Parameters<typeof draftView>[0]>, status: number) => {
    let draft: Parameters<typeof draftView>[0];
    try {
      draft = await work();
    } catch (error) {
      if (error instanceof AppError) sendAppError(res, error);
      else throw error;
      return;
    }
    await view(res, status, draft);
  };

  router.get('/api/drafts/:id', async (req, res) => {
    const draft = await deps.bot.getDraft(req.params.id);
    if (!draft) {
      sendAppError(res, draftNotFound());
      return;
    }
    await view(res, 200, draft);
  });

  router.patch('/api/drafts/:id', async (req, res) => {
    const parsed = patchSchema.safeParse(bodyOf(req));
    if (!parsed.success) {
      badRequest(res, describeZodError(parsed.error));
      return;
    }
    const { userId, version, channel, to, text, subject, sendAt } = parsed.data;
    const patch = {
      ...(sendAt !== undefined && { sendAt: sendAt === null ? null : new Date(sendAt) }),
      ...(channel !== undefined && { channel }),
      ...(to !== undefined && { to }),
      ...(text !== undefined && { text }),
      ...(subject !== undefined && { subject }),
    };
    await decide(res, () => deps.bot.edit(req.params.id, webActor(userId), patch, version), 200);
  });

  for (const action of ['confirm', 'cancel'] as const) {
    router.post(`/api/drafts/:id/${action}`, async (req, res) => {
      const parsed = deciderSchema.safeParse(bodyOf(req));
      if (!parsed.success) {
        badRequest(res, describeZodError(parsed.error));
        return;
      }
      const actor = webActor(parsed.data.userId);
      const { version } = parsed.data;
      // Confirm answers 202: delivery happens in the background; poll GET /api/drafts/:id until the status is final.
      if (action === 'confirm') await decide(res, () => deps.bot.confirm(req.params.id, actor, version), 202);
      else await decide(res, () => deps.bot.cancel(req.params.id, actor, version), 200);
    });
  }

  return router;
}
