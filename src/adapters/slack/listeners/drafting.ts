import type { AgentReply, MessageInput } from '../../../app/relaybot.js';
import { buildCard } from '../../../core/card.js';
import type { Draft } from '../../../core/draft.js';
import { describe } from '../card-updater.js';
import { encodeCardRef } from '../card-ref.js';
import { renderCardMessage } from '../render-card.js';
import { postToResponseUrl } from '../response-url.js';
import { escapeMrkdwn } from '../slack-text.js';
import { tellEphemeral, unexpected, type ListenerDeps } from './listener-deps.js';

/**
 * Where the answer to someone's words goes:
 * - `command`: a slash command — the ephemeral "Drafting…" is replaced through its response_url;
 * - `thread`: a DM or a mention — a message in the conversation (top level when `threadTs` is unset).
 */
export type ReplyPlace =
  | { kind: 'command'; responseUrl: string; channel: string; user: string }
  | { kind: 'thread'; channel: string; threadTs?: string | undefined };

/** Run the words through the agent (after the ack: the model may be slow) and show its answer or draft card. */
export async function draftAndShow(deps: ListenerDeps, input: MessageInput, place: ReplyPlace): Promise<void> {
  let reply: AgentReply;
  try {
    reply = await deps.bot.handleMessage(input);
  } catch (err) {
    await showText(deps, place, unexpected(deps, err, 'drafting'));
    return;
  }
  if (!reply.draft) {
    await showText(deps, place, reply.text);
    return;
  }
  await showCard(deps, reply.draft, reply.text, place);
}

async function showText(deps: ListenerDeps, place: ReplyPlace, text: string): Promise<void> {
  if (place.kind === 'command') {
    await postToResponseUrl(place.responseUrl, { response_type: 'ephemeral', replace_original: true, text: escapeMrkdwn(text) }, deps.logger);
    return;
  }
  await deps.client.chat.postMessage({ channel: place.channel, text: escapeMrkdwn(text), ...thread(place.threadTs) });
}

async function showCard(deps: ListenerDeps, draft: Draft, replyText: string, place: ReplyPlace): Promise<void> {
  const message = renderCardMessage(buildCard(draft, deps.clock.now()));
  if (place.kind === 'thread') {
    await postAsMessage(deps, draft, place.channel, place.threadTs, message);
    return;
  }
  if (deps.bot.policy.approval.mode === 'four-eyes') {
    // An approver must see the card, so it goes in the channel; the requester's "Drafting…" becomes the agent's sentence.
    try {
      await postAsMessage(deps, draft, place.channel, undefined, message);
      await postToResponseUrl(place.responseUrl, { response_type: 'ephemeral', replace_original: true, text: escapeMrkdwn(replyText) }, deps.logger);
      return;
    } catch (err) {
      deps.logger.warn({ err: describe(err), draftId: draft.id }, 'could not post the four-eyes card in the channel');
      await tellEphemeral(
        deps,
        { responseUrl: place.responseUrl, user: place.user },
        'I could not post this draft in the channel for an approver to see (invite me with /invite @relaybot). Only you can see it below; an approver can still approve it from the web console.',
      );
    }
  }
  // The draft was created with this response_url as its card ref (MessageInput.cardRef), before any click could store a newer one.
  await postToResponseUrl(place.responseUrl, { response_type: 'ephemeral', replace_original: true, ...message }, deps.logger);
}

async function postAsMessage(
  deps: ListenerDeps,
  draft: Draft,
  channel: string,
  threadTs: string | undefined,
  message: ReturnType<typeof renderCardMessage>,
): Promise<void> {
  const posted = await deps.client.chat.postMessage({ channel, ...message, ...thread(threadTs) });
  if (posted.ts && posted.channel) {
    await deps.drafts.setCardRef(draft.id, encodeCardRef({ kind: 'message', channel: posted.channel, ts: posted.ts }));
  }
}

const thread = (threadTs: string | undefined) => (threadTs ? { thread_ts: threadTs } : {});
