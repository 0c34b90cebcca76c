/**
 * Policy, once more, at the moment a send is claimed: approval may have been
 * hours or days ago (a scheduled send), and the allowlist, the opt-out list,
 * quiet hours or the limits may have changed since. A send that no longer
 * passes is failed with the reason — never sent.
 */
import type { Draft } from '../core/draft.js';
import { AppError } from '../core/errors.js';
import { assertWithinRateLimits, RATE_WINDOWS_MS, type Policy } from '../core/policy.js';
import type { ContactBook, DraftStore, OptOutList } from '../core/ports.js';
import { describeQuietHours, quietUntil } from '../core/schedule/index.js';
import { assertRecipientAllowed } from './recipient-check.js';

export interface SendTimeCheckDeps {
  policy: Policy;
  contacts: ContactBook;
  optOuts: OptOutList;
  drafts: Pick<DraftStore, 'rateCounts'>;
}

/** Null when the draft may go now; otherwise the refusal (its message is what the card and the audit say). */
export type SendTimeCheck = (draft: Draft, now: Date) => Promise<AppError | null>;

export function createSendTimeCheck(deps: SendTimeCheckDeps): SendTimeCheck {
  const { policy } = deps;
  return async (draft, now) => {
    try {
      await assertRecipientAllowed(deps, draft, draft.conversation);
      if (policy.quietHours && quietUntil(now, policy.quietHours)) {
        return new AppError('denied:quiet_hours', `It was quiet hours (${describeQuietHours(policy.quietHours)}) when it was due, so it was not sent.`);
      }
      // Immediate sends were counted under lock by their confirm a moment ago; scheduled ones count now.
      if (draft.sendAt) {
        const counts = await deps.drafts.rateCounts(draft.requester, draft.channel, draft.to, now);
        // The claim has made this draft `sending`, so it may be in its own counts (when approved within a window).
        const self = (window: number) => (draft.decidedAt && now.getTime() - draft.decidedAt.getTime() < window ? 1 : 0);
        assertWithinRateLimits(policy, {
          senderLastHour: counts.senderLastHour - self(RATE_WINDOWS_MS.senderLastHour),
          recipientLastDay: counts.recipientLastDay - self(RATE_WINDOWS_MS.recipientLastDay),
          globalLastMinute: counts.globalLastMinute - self(RATE_WINDOWS_MS.globalLastMinute),
        });
      }
      return null;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
  };
}
