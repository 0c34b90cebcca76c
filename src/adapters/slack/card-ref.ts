/**
 * Where a Slack card lives, stored in `drafts.card_ref` so any replica (the
 * delivery worker's, the expiry sweeper's) can update it:
 *
 *  - `msg:<channel id>:<message ts>` — a message the bot posted (DMs, threads,
 *    four-eyes channel cards); updated with chat.update.
 *  - `url:<response_url>` — an ephemeral card, which has no ts and can only be
 *    replaced through a response_url. Each click brings a fresh one (valid
 *    30 minutes, 5 uses), so the latest click's url is stored before deciding.
 */
export type SlackCardRef =
  | { kind: 'message'; channel: string; ts: string }
  | { kind: 'response_url'; url: string };

export function encodeCardRef(ref: SlackCardRef): string {
  return ref.kind === 'message' ? `msg:${ref.channel}:${ref.ts}` : `url:${ref.url}`;
}

export function decodeCardRef(value: string | null | undefined): SlackCardRef | null {
  if (!value) return null;
  if (value.startsWith('url:')) {
    const url = value.slice(4);
    return /^https?:\/\//.test(url) ? { kind: 'response_url', url } : null;
  }
  const m = /^msg:([^:]+):(\d+\.\d+)$/.exec(value);
  return m ? { kind: 'message', channel: m[1]!, ts: m[2]! } : null;
}
