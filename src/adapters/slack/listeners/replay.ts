import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { ListenerDeps } from './listener-deps.js';

/** The context key the signature travels under, from the receiver to the listeners. */
const SIGNATURE = 'slackRequestSignature';

/** ExpressReceiver's customPropertiesExtractor: hand the request's X-Slack-Signature to the listeners. */
export function signatureOf(req: Request): Record<string, string> {
  const header = req.headers['x-slack-signature'];
  const value = Array.isArray(header) ? header[0] : header;
  return value ? { [SIGNATURE]: value } : {};
}

/**
 * False when these exact signed bytes were already handled. A slash command
 * carries no id of its own, and Bolt accepts the same signed request again for
 * the 5 minutes its timestamp stays fresh; the signature covers timestamp and
 * body, so two deliveries with one signature are one request. Recorded in the
 * shared inbound-events table (a hash, not the signature), so a replay sent to
 * another replica is recognised too. Socket Mode has no signature: always true.
 */
export async function isFirstDelivery(deps: Pick<ListenerDeps, 'bot'>, context: Record<string, unknown>): Promise<boolean> {
  const signature = context[SIGNATURE];
  if (typeof signature !== 'string') return true;
  const digest = createHash('sha256').update(signature).digest('hex');
  return deps.bot.firstDelivery('slack-signed', digest);
}
