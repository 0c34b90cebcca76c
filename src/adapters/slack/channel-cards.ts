import type { webApi } from '@slack/bolt';
import type { CardChannel } from '../../app/agent-cards.js';
import { buildCard } from '../../core/card.js';
import type { Clock } from '../../core/ports.js';
import { decodeCardRef, encodeCardRef } from './card-ref.js';
import { renderCardMessage } from './render-card.js';

/**
 * Cards posted into a channel that did not ask for them (an agent's draft goes
 * to the approvers' channel): chat.postMessage, then chat.update on every
 * change. The buttons are the usual ones, so clicks reach the same listeners.
 */
export function slackChannelCards(client: webApi.WebClient, clock: Clock): CardChannel {
  return {
    async post(channel, draft) {
      const posted = await client.chat.postMessage({ channel, ...renderCardMessage(buildCard(draft, clock.now())) });
      if (!posted.ts) throw new Error('slack api: chat.postMessage returned no ts');
      return encodeCardRef({ kind: 'message', channel: posted.channel ?? channel, ts: posted.ts });
    },
    async update(ref, draft) {
      const card = decodeCardRef(ref);
      if (card?.kind !== 'message') return;
      await client.chat.update({ channel: card.channel, ts: card.ts, ...renderCardMessage(buildCard(draft, clock.now())) });
    },
  };
}
