import type { Logger } from '../../core/ports.js';

/** Slack answers a response_url within a second or two; do not let a stuck one hold a card update. */
const TIMEOUT_MS = 10_000;

/**
 * POST a message to a Slack response_url (ephemeral replies, replacing an
 * ephemeral card). Returns false — and logs, without the url, which is a
 * bearer capability — when Slack refused (expired after 30 min, used 5 times).
 */
export async function postToResponseUrl(url: string, body: Record<string, unknown>, logger: Logger): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (res.ok) return true;
    logger.warn({ status: res.status, answer: (await res.text()).slice(0, 200) }, 'slack response_url refused the message');
  } catch (err) {
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'slack response_url could not be reached');
  }
  return false;
}
