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

/**
 * Event payloads carry only a user id; cards read better with a name. One
 * users.info per person per process, and the id when that fails (no
 * users:read scope, network): the name is a courtesy, never a reason to stop.
 */
export function makeNameResolver(client: webApi.WebClient): (userId: string) => Promise<string | undefined> {
  const cache = new Map<string, string | undefined>();
  return async (userId) => {
    if (cache.has(userId)) return cache.get(userId);
    let name: string | undefined;
    try {
      const info = await client.users.info({ user: userId });
      name = info.user?.profile?.display_name || info.user?.real_name || info.user?.name || undefined;
    } catch {
      name = undefined;
    }
    if (cache.size > 1000) cache.clear();
    cache.set(userId, name);
    return name;
  };
}
