import type { webApi } from '@slack/bolt';
import type { RelayBot } from '../../../app/relaybot.js';
import { userMessage } from '../../../core/errors.js';
import type { Clock, Logger } from '../../../core/ports.js';
import { describe } from '../slack-errors.js';
import { postToResponseUrl } from '../response-url.js';
import { escapeMrkdwn } from '../slack-text.js';
import { tellPrivately } from './channel-refusal.js';

/** The app services the Slack adapter works with: the use cases, no store. */
export interface SlackPorts {
  bot: RelayBot;
  clock: Clock;
  logger: Logger;
}

/** What every listener needs; built once by createSlackAdapter. */
export interface ListenerDeps extends SlackPorts {
  client: webApi.WebClient;
  isAllowed(userId: string): boolean;
  nameOf(userId: string): Promise<string | undefined>;
  /** The person's IANA zone from Slack, when their profile has one. */
  zoneOf(userId: string): Promise<string | undefined>;
}

/** Where a sentence for one person goes: their response_url, or an ephemeral message in a channel. */
export interface EphemeralTarget {
  responseUrl?: string | undefined;
  channel?: string | undefined;
  user: string;
  threadTs?: string | undefined;
}

/** Say something only `target.user` sees, without touching the card. `text` is a plain sentence; it is escaped here. */
export async function tellEphemeral(deps: ListenerDeps, target: EphemeralTarget, text: string): Promise<void> {
  const safe = escapeMrkdwn(text);
  if (target.responseUrl) {
    const ok = await postToResponseUrl(target.responseUrl, { response_type: 'ephemeral', replace_original: false, text: safe }, deps.logger);
    if (ok) return;
  }
  if (!target.channel) return;
  // In the channel if Slack lets us; a DM when the bot is not in it (or it is gone).
  await tellPrivately(deps, { channel: target.channel, user: target.user, threadTs: target.threadTs }, text);
}

/** Log a listener's unexpected failure (no stack to the user) and return the sentence to show instead. */
export function unexpected(deps: ListenerDeps, err: unknown, what: string): string {
  deps.logger.error({ err: describe(err) }, `slack: ${what} failed`);
  return userMessage(err);
}
