import type { PendingDrafts } from '../core/agent-ports.js';
import type { Draft } from '../core/draft.js';
import type { Policy } from '../core/policy.js';
import { actorKey, type Actor } from '../core/send-request.js';

/** How many drafts each list of the inbox shows at most (pending drafts are capped per requester anyway). */
const INBOX_LIMIT = 100;

export interface InboxLists {
  /** Drafts this person may approve now, soonest expiry first. */
  awaitingYou: Draft[];
  /** Their own drafts still waiting. */
  yours: Draft[];
}

/**
 * The pending approvals a person sees: agents' requests when they are a
 * listed agents' approver and `web` is in agents.notify, and (four-eyes) other
 * people's drafts when they are an approver; plus their own drafts still
 * waiting. Server data, so it survives a reload and reads the same on every replica.
 */
export class Inbox {
  constructor(private readonly deps: { pending: PendingDrafts; policy: Policy }) {}

  async of(viewer: Actor, now: Date): Promise<InboxLists> {
    const key = actorKey(viewer);
    const { agents, approval } = this.deps.policy;
    const awaiting: Draft[] = [];
    if (agents.notify.includes('web') && agents.approvers.includes(key)) awaiting.push(...(await this.deps.pending.ofAgents(now, INBOX_LIMIT)));
    if (approval.mode === 'four-eyes' && approval.approvers.includes(key)) {
      const others = await this.deps.pending.all(now, INBOX_LIMIT);
      awaiting.push(...others.filter((d) => d.requester.platform !== 'agent' && actorKey(d.requester) !== key));
    }
    awaiting.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());
    const yours = await this.deps.pending.ofRequester(viewer, now, INBOX_LIMIT);
    return { awaitingYou: awaiting.slice(0, INBOX_LIMIT), yours };
  }
}
