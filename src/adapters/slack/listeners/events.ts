import type { App } from '@slack/bolt';
import type { MessageInput } from '../../../app/relaybot.js';
import type { ConversationRef } from '../../../core/send-request.js';
import { NOT_ALLOWED, slackActor } from '../people.js';
import { escapeMrkdwn, slackTextToPlain } from '../slack-text.js';
import type { SlackAnswer } from '../render-replies.js';
import { parseSubcommand, runSubcommand } from '../subcommands.js';
import { postOrExplain } from './channel-refusal.js';
import { draftAndShow, type ReplyPlace } from './drafting.js';
import { tellEphemeral, unexpected, type ListenerDeps } from './listener-deps.js';

/** The fields of a message / app_mention event we read (Bolt's union types are wider than we need). */
export interface ChatEvent {
  type: string;
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  channel: string;
  channel_type?: string;
  ts: string;
  thread_ts?: string;
}

export interface Envelope {
  event_id?: string;
  team_id?: string;
}

/**
 * DMs with the app (`message`, channel_type im) and mentions in channels
 * (`app_mention`). Bolt acks events before listeners run. Slack retries a
 * delivery it thinks we missed (X-Slack-Retry-Num) with the same event_id, so
 * each event is handled once across replicas through the dedupe store.
 */
export function registerEvents(app: App, deps: ListenerDeps): void {
  app.event('message', async ({ event, body, context }) => {
    const e = event as unknown as ChatEvent;
    if (e.channel_type !== 'im') return;
    // Edits, deletions, joins, file shares… and other bots (ignoreSelf covers only us) are not requests.
    if (!isPersonsMessage(e)) return;
    // A DM is one conversation at top level (so "to whom?" can be answered without a thread); a thread is its own.
    await handle(deps, e, body as Envelope, context.botUserId, { kind: 'thread', channel: e.channel, threadTs: e.thread_ts });
  });

  app.event('app_mention', async ({ event, body, context }) => {
    const e = event as unknown as ChatEvent;
    if (!isPersonsMessage(e)) return;
    await handle(deps, e, body as Envelope, context.botUserId, { kind: 'thread', channel: e.channel, threadTs: e.thread_ts ?? e.ts });
  });
}

/**
 * Slack itself (Slackbot, `USLACKBOT`) writes notices into a DM with the app —
 * reminders, "you were added to…" — with no subtype and no bot_id, so they look
 * like a person's words; answering them would draft from Slack's own text.
 */
const isSlackSystemUser = (user: string): boolean => user.startsWith('USLACK');

/** A DM or mention as the app's input: who, where (the thread it is answered in) and the words, without the bot's own mention. */
export function parseChatEvent(e: ChatEvent, envelope: Envelope, botUserId: string | undefined): MessageInput & { threadTs: string | undefined } {
  const threadTs = e.type === 'app_mention' ? (e.thread_ts ?? e.ts) : e.thread_ts;
  const conversation: ConversationRef = { platform: 'slack', chatId: e.channel, threadId: threadTs, workspaceId: envelope.team_id };
  return { actor: slackActor(e.user ?? ''), conversation, text: slackTextToPlain(e.text ?? '', botUserId), threadTs };
}

/** Slack's own notices, edits, joins and other bots' messages are not requests. */
export const isPersonsMessage = (e: ChatEvent): boolean => !e.subtype && !e.bot_id && Boolean(e.user) && !isSlackSystemUser(e.user!);

async function handle(
  deps: ListenerDeps,
  e: ChatEvent,
  envelope: Envelope,
  botUserId: string | undefined,
  place: Extract<ReplyPlace, { kind: 'thread' }>,
): Promise<void> {
  const user = e.user!;
  if (envelope.event_id && !(await deps.bot.firstDelivery('slack', envelope.event_id))) return;
  if (!deps.isAllowed(user)) {
    await tellEphemeral(deps, { channel: e.channel, user, threadTs: place.threadTs }, NOT_ALLOWED);
    return;
  }
  const { conversation, text } = parseChatEvent(e, envelope, botUserId);
  const actor = slackActor(user, await deps.nameOf(user));
  const sub = parseSubcommand(text);
  if (sub) {
    let answer: SlackAnswer;
    try {
      answer = await runSubcommand(deps, sub, actor, conversation);
    } catch (err) {
      answer = { text: escapeMrkdwn(unexpected(deps, err, `${sub.kind} in a message`)) };
    }
    // History and contacts are personal or workspace data: in a channel only the asker sees them.
    const threadTs = place.threadTs ? { thread_ts: place.threadTs } : {};
    await postOrExplain(deps, { user, channel: e.channel, threadTs: place.threadTs }, () =>
      e.channel_type === 'im'
        ? deps.client.chat.postMessage({ channel: e.channel, ...answer, ...threadTs })
        : deps.client.chat.postEphemeral({ channel: e.channel, user, ...answer, ...threadTs }),
    );
    return;
  }
  await draftAndShow(deps, { actor, conversation, text }, place);
}
