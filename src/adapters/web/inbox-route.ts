import { Router } from 'express';
import { z } from 'zod';
import type { PendingDrafts } from '../../core/agent-ports.js';
import type { Draft } from '../../core/draft.js';
import type { Policy } from '../../core/policy.js';
import type { Clock } from '../../core/ports.js';
import { actorKey, type Actor } from '../../core/send-request.js';
import { storable } from '../../core/storable-text.js';
import { draftView } from './draft-view.js';
import { badRequest, describeZodError } from './http-errors.js';

/** How many drafts each list of the inbox shows at most (pending drafts are capped per requester anyway). */
const INBOX_LIMIT = 100;

const querySchema = z.looseObject({
  userId: storable(z.string({ error: 'required: say whose inbox (the console user id)' }).trim().min(1, 'must not be empty').max(200)),
});

export interface InboxRouteDeps {
  pending: PendingDrafts;
  policy: Policy;
  clock: Clock;
}

/**
 * `GET /api/inbox?userId=…`: the console's pending approvals. `awaitingYou`:
 * drafts this person may approve now — agents' requests when they are a
 * listed agents' approver and `web` is in agents.notify, and (four-eyes) other
 * people's drafts when they are an approver. `yours`: their own drafts still
 * waiting. Server data, so it survives a reload and shows the same on every replica.
 */
export function inboxRoutes(deps: InboxRouteDeps): Router {
  const router = Router();
  router.get('/api/inbox', async (req, res) => {
    const parsed = querySchema.safeParse(req.query);
    if (!parsed.success) {
      badRequest(res, describeZodError(parsed.error));
      return;
    }
    const viewer: Actor = { platform: 'web', userId: parsed.data.userId };
    const key = actorKey(viewer);
    const now = deps.clock.now();
    const { agents, approval } = deps.policy;
    const awaiting: Draft[] = [];
    if (agents.notify.includes('web') && agents.approvers.includes(key)) awaiting.push(...(await deps.pending.ofAgents(now, INBOX_LIMIT)));
    if (approval.mode === 'four-eyes' && approval.approvers.includes(key)) {
      const others = await deps.pending.all(now, INBOX_LIMIT);
      awaiting.push(...others.filter((d) => d.requester.platform !== 'agent' && actorKey(d.requester) !== key));
    }
    awaiting.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());
    const yours = await deps.pending.ofRequester(viewer, now, INBOX_LIMIT);
    res.json({
      awaitingYou: awaiting.slice(0, INBOX_LIMIT).map((d) => draftView(d, now)),
      yours: yours.map((d) => draftView(d, now)),
    });
  });
  return router;
}
