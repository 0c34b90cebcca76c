/**
 * Policy, once more, at the moment a send is claimed: approval may have been
 * hours or days ago (a scheduled send), and the allowlist, the opt-out list,
 * quiet hours or the limits may have changed since. A send that no longer
 * passes is failed with the reason — never sent.
 */
import type { Draft } from '../core/draft.js';
import { AppError } from '../core/errors.js';
import { assertAllowed, assertWithinRateLimits, type Policy } from '../core/policy.js';
import type { ContactBook, DraftStore, OptOutList } from '../core/ports.js';
import { describeQuietHours, quietUntil } from '../core/schedule/index.js';
import { contactScope } from './conversation-keys.js';
import { optOutRefusal } from './opt-outs.js';

export interface SendTimeCheckDeps {
  policy: Policy;
  contacts: ContactBook;
  optOuts: OptOutList;
  drafts: Pick<DraftStore, 'rateCounts'>;
}

/** Null when the draft may go now; otherwise the refusal (its message is what the card and the audit say). */
export type SendTimeCheck = (draft: Draft, now: Date) => Promise<AppError | null>;

const WINDOWS = { senderLastHour: 3_600_000, recipientLastDay: 86_400_000, globalLastMinute: 60_000 } as const;

export function createSendTimeCheck(deps: SendTimeCheckDeps): SendTimeCheck {
  const { policy } = deps;
  return async (draft, now) => {
    try {
      const isContact = policy.contactsOnly && (await deps.contacts.has(contactScope(draft.conversation), draft.channel, draft.to));
      assertAllowed(policy, draft, isContact);
      const optedOut = await optOutRefusal(deps.optOuts, draft.channel, draft.to);
      if (optedOut) return optedOut;
      if (policy.quietHours && quietUntil(now, policy.quietHours)) {
        return new AppError('denied:quiet_hours', `It was quiet hours (${describeQuietHours(policy.quietHours)}) when it was due, so it was not sent.`);
      }
      // Immediate sends were counted under lock by their confirm a moment ago; scheduled ones count now.
      if (draft.sendAt) {
        const counts = await deps.drafts.rateCounts(draft.requester, draft.channel, draft.to, now);
        // The claim has made this draft `sending`, so it may be in its own counts (when approved within a window).
        const self = (window: number) => (draft.decidedAt && now.getTime() - draft.decidedAt.getTime() < window ? 1 : 0);
        assertWithinRateLimits(policy, {
          senderLastHour: counts.senderLastHour - self(WINDOWS.senderLastHour),
          recipientLastDay: counts.recipientLastDay - self(WINDOWS.recipientLastDay),
          globalLastMinute: counts.globalLastMinute - self(WINDOWS.globalLastMinute),
        });
      }
      return null;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
  };
}
