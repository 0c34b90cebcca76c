import { describe } from '../slack-errors.js';
import { escapeMrkdwn } from '../slack-text.js';
import type { ListenerDeps } from './listener-deps.js';

/**
 * Slack refuses to post in a channel the bot is not a member of
 * (`not_in_channel`: never invited, or removed since) or cannot see
 * (`channel_not_found`: private, deleted; `is_archived`). The person who wrote
 * to the bot there would otherwise hear nothing at all: these are the reasons,
 * in words they can act on.
 */
const REASONS: Record<string, string> = {
  not_in_channel: 'I am not a member of that channel. Invite me with /invite @relaybot, or write to me in a direct message.',
  channel_not_found: 'Slack would not let me see that channel (it may be private, or gone). Invite me with /invite @relaybot, or write to me in a direct message.',
  is_archived: 'That channel is archived, so I cannot write there. Write to me in a direct message instead.',
};

/** The sentence for a channel refusal, or null when `err` is something else. */
export function channelRefusal(err: unknown): string | null {
  const code = (err as { data?: { error?: unknown } } | null)?.data?.error;
  return typeof code === 'string' ? (REASONS[code] ?? null) : null;
}

/** Where a private word to one person goes first: an ephemeral message in this channel (thread). */
export interface PrivateTarget {
  user: string;
  channel: string;
  threadTs?: string | undefined;
}

/**
 * Tell one person something wherever Slack still lets us: an ephemeral message
 * in the channel, or — when Slack refuses that too (the same reasons) — a DM,
 * which always reaches a workspace member. `text` is a plain sentence; escaped here.
 * Never throws; false when neither worked.
 */
export async function tellPrivately(deps: ListenerDeps, to: PrivateTarget, text: string): Promise<boolean> {
  const safe = escapeMrkdwn(text);
  try {
    await deps.client.chat.postEphemeral({ channel: to.channel, user: to.user, text: safe, ...(to.threadTs ? { thread_ts: to.threadTs } : {}) });
    return true;
  } catch {
    // Not in that channel, or it is gone: try the DM.
  }
  try {
    await deps.client.chat.postMessage({ channel: to.user, text: safe });
    return true;
  } catch (err) {
    deps.logger.warn({ err: describe(err) }, 'could not reach a slack user privately');
    return false;
  }
}

/**
 * Post an answer in a channel; when Slack refuses because of the channel, tell
 * the person why (privately) instead of failing silently. Other errors propagate.
 */
export async function postOrExplain(deps: ListenerDeps, to: PrivateTarget, post: () => Promise<unknown>): Promise<void> {
  try {
    await post();
  } catch (err) {
    const why = channelRefusal(err);
    if (!why) throw err;
    deps.logger.warn({ err: describe(err) }, 'slack refused an answer in a channel; telling the person why');
    await tellPrivately(deps, to, `I could not answer you there. ${why}`);
  }
}
