import type { Api } from 'grammy';
import type { Draft } from '../../core/draft.js';
import type { Clock, DraftStore, Logger, Notifier } from '../../core/ports.js';
import { parseCardRef } from './card-ref.js';
import { syncCard } from './card-sync.js';
import { loggableError } from './safe-errors.js';

/**
 * Edits a draft's card when the delivery worker or the expiry sweeper changes
 * it — possibly on another replica than the one that posted the card, so the
 * card is found through the stored `chatId:messageId`, never through memory.
 */
export function createTelegramNotifier(api: Api, drafts: DraftStore, clock: Clock, logger: Logger): Notifier {
  return {
    async draftChanged(draft: Draft): Promise<void> {
      const ref = parseCardRef(draft.cardRef);
      if (!ref) {
        logger.warn({ draftId: draft.id, status: draft.status }, 'telegram draft has no card to update');
        return;
      }
      try {
        await syncCard(api, ref, () => drafts.get(draft.id), clock, draft);
      } catch (error) {
        // The caller (delivery worker, sweeper) logs what we throw: give it a safe sentence, not grammY's error object.
        const why = loggableError(error);
        throw new Error(`could not update the Telegram card ${draft.cardRef}: ${String(why.description ?? why.message ?? why.type)}`);
      }
    },
  };
}
