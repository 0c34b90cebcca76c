import type { Api } from 'grammy';
import type { CardChannel } from '../../app/agent-cards.js';
import { buildCard } from '../../core/card.js';
import type { Clock } from '../../core/ports.js';
import { formatCardRef, parseCardRef } from './card-ref.js';
import { editCard } from './card-sync.js';
import { renderCard } from './render-card.js';

/**
 * Cards posted into a chat that did not ask for them (an agent's draft goes to
 * the approvers' chat): sendMessage, then an edit on every change. The
 * buttons carry the usual callback data, so presses reach the same handlers.
 */
export function telegramChatCards(api: Api, clock: Clock): CardChannel {
  return {
    async post(chat, draft) {
      const rendered = renderCard(buildCard(draft, clock.now()));
      const sent = await api.sendMessage(chat, rendered.text, { parse_mode: rendered.parse_mode, reply_markup: rendered.reply_markup });
      return formatCardRef(sent.chat.id, sent.message_id);
    },
    async update(ref, draft) {
      const card = parseCardRef(ref);
      if (card) await editCard(api, card, draft, clock);
    },
  };
}
