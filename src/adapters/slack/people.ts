import type { webApi } from '@slack/bolt';
import type { Actor } from '../../core/send-request.js';

/** Said to anyone outside SLACK_ALLOWED_USERS who tries to draft or click. */
export const NOT_ALLOWED =
  'Sorry — relaybot is limited to certain people in this workspace, and you are not one of them yet. Ask an admin to add you to SLACK_ALLOWED_USERS.';

/** SLACK_ALLOWED_USERS: unset or empty means everyone in the workspace. */
export function makeAllowCheck(allowedUsers: readonly string[] | undefined): (userId: string) => boolean {
  const allowed = new Set((allowedUsers ?? []).map((u) => u.trim()).filter(Boolean));
  return (userId) => allowed.size === 0 || allowed.has(userId);
}

export function slackActor(userId: string, name?: string | null): Actor {
  return { platform: 'slack', userId, ...(name ? { name } : {}) };
}

/** What Slack's users.info tells about a person that relaybot uses: how to name them and their time zone. */
export interface SlackPeople {
  nameOf(userId: string): Promise<string | undefined>;
  /** Their IANA zone from their Slack profile (`tz`), so "at 5pm" means their 5pm. */
  zoneOf(userId: string): Promise<string | undefined>;
}

/**
 * Event payloads carry only a user id; cards read better with a name, and
 * times should be read in the person's own zone. One users.info per person per
 * process, and nothing when that fails (no users:read scope, network): both
 * are courtesies, never a reason to stop (the policy's zone applies then).
 */
export function makePeopleDirectory(client: webApi.WebClient): SlackPeople {
  const cache = new Map<string, Promise<{ name?: string | undefined; tz?: string | undefined }>>();
  const lookUp = (userId: string) => {
    let known = cache.get(userId);
    if (!known) {
      known = client.users.info({ user: userId }).then(
        (info) => ({
          name: info.user?.profile?.display_name || info.user?.real_name || info.user?.name || undefined,
          tz: info.user?.tz || undefined,
        }),
        () => ({}),
      );
      if (cache.size > 1000) cache.clear();
      cache.set(userId, known);
    }
    return known;
  };
  return {
    nameOf: async (userId) => (await lookUp(userId)).name,
    zoneOf: async (userId) => (await lookUp(userId)).tz,
  };
}
