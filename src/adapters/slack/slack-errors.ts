import { safeErrorText } from '../../safe-error.js';

/** Slack API errors carry the method's answer (`not_in_channel`…), never the token. */
export function describe(err: unknown): string {
  if (err && typeof err === 'object' && 'data' in err) {
    const data = (err as { data?: { error?: string } }).data;
    if (data?.error) return `slack api: ${data.error}`;
  }
  // Not Slack's: may be a database error, whose message holds the statement and what people wrote.
  return safeErrorText(err);
}
