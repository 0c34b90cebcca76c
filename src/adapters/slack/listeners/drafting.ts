import type { AgentReply, MessageInput } from '../../../app/relaybot.js';
import type { Draft } from '../../../core/draft.js';
import { describe } from '../slack-errors.js';
import { encodeCardRef } from '../card-ref.js';
import { renderCardMessage } from '../render-card.js';
import { postToResponseUrl } from '../response-url.js';
import { escapeMrkdwn } from '../slack-text.js';
import { postOrExplain, tellPrivately } from './channel-refusal.js';
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
    // Times ("at 5pm") are the person's own: their Slack zone, when their profile has one.
    const timeZone = await deps.zoneOf(input.actor.userId);
    reply = await deps.bot.handleMessage(timeZone ? { ...input, timeZone } : input);
  } catch (err) {
    await showText(deps, place, input.actor.userId, unexpected(deps, err, 'drafting'));
    return;
  }
  if (!reply.draft) {
    await showText(deps, place, input.actor.userId, reply.text);
    return;
  }
  let refusal: unknown = 'the response_url refused it';
  try {
    const draft = reply.draft;
    if (await deps.bot.cards.posting(draft, 'slack', () => showCard(deps, draft, reply.text, place))) return;
  } catch (err) {
    refusal = err;
  }
  await withdraw(deps, reply.draft, input.actor.userId, place, refusal);
}

const WITHDRAWN = 'I could not show you the draft card here, so I cancelled that draft; nothing was sent. Ask again (in a channel I am a member of: /invite @relaybot, or in a DM with me).';

/** Nobody can approve a card nobody sees: withdraw the draft (audited), then tell the requester wherever Slack still lets us. */
async function withdraw(deps: ListenerDeps, draft: Draft, user: string, place: ReplyPlace, refusal: unknown): Promise<void> {
  const reason = typeof refusal === 'string' ? refusal : describe(refusal);
  deps.logger.warn({ err: reason, draftId: draft.id }, 'could not post a draft card; the draft is withdrawn');
  await deps.bot.withdrawUnshown(draft, `slack: ${reason}`);
  await tellPrivately(deps, { user, channel: place.channel, threadTs: place.kind === 'thread' ? place.threadTs : undefined }, WITHDRAWN);
}

async function showText(deps: ListenerDeps, place: ReplyPlace, user: string, text: string): Promise<void> {
  if (place.kind === 'command') {
    await postToResponseUrl(place.responseUrl, { response_type: 'ephemeral', replace_original: true, text: escapeMrkdwn(text) }, deps.logger);
    return;
  }
  // A mention in a channel the bot has left (or that is gone): the person hears why instead of nothing.
  await postOrExplain(deps, { user, channel: place.channel, threadTs: place.threadTs }, () =>
    deps.client.chat.postMessage({ channel: place.channel, text: escapeMrkdwn(text), ...thread(place.threadTs) }),
  );
}

/** Post the draft's card; false (or a throw) when Slack would not take it. */
async function showCard(deps: ListenerDeps, draft: Draft, replyText: string, place: ReplyPlace): Promise<boolean> {
  const message = renderCardMessage(await deps.bot.cardFor(draft));
  if (place.kind === 'thread') {
    await postAsMessage(deps, draft, place.channel, place.threadTs, message);
    return true;
  }
  if (deps.bot.policy.approval.mode === 'four-eyes') {
    // An approver must see the card, so it goes in the channel; the requester's "Drafting…" becomes the agent's sentence.
    try {
      await postAsMessage(deps, draft, place.channel, undefined, message);
      await postToResponseUrl(place.responseUrl, { response_type: 'ephemeral', replace_original: true, text: escapeMrkdwn(replyText) }, deps.logger);
      return true;
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
  return postToResponseUrl(place.responseUrl, { response_type: 'ephemeral', replace_original: true, ...message }, deps.logger);
}

async function postAsMessage(
  deps: ListenerDeps,
  draft: Draft,
  channel: string,
  threadTs: string | undefined,
  message: ReturnType<typeof renderCardMessage>,
): Promise<void> {
  const ref = await postCardMessage(deps, channel, threadTs, message);
  if (ref) await deps.bot.cards.record(draft.id, ref);
}

/** Post a card as a message (DM, thread, channel); returns where it lives, or null when Slack did not say. */
export async function postCardMessage(
  deps: Pick<ListenerDeps, 'client'>,
  channel: string,
  threadTs: string | undefined,
  message: ReturnType<typeof renderCardMessage>,
): Promise<string | null> {
  const posted = await deps.client.chat.postMessage({ channel, ...message, ...thread(threadTs) });
  return posted.ts && posted.channel ? encodeCardRef({ kind: 'message', channel: posted.channel, ts: posted.ts }) : null;
}

const thread = (threadTs: string | undefined) => (threadTs ? { thread_ts: threadTs } : {});
