import type { RequestHandler } from 'express';

/** Slack's replay window, both ways. */
export const MAX_SKEW_SECONDS = 5 * 60;

/**
 * Bolt 5.1 rejects a signed request only when it is more than 5 minutes OLD.
 * A request dated in the future stays replayable until that future arrives,
 * so this refuses timestamps more than 5 minutes ahead before Bolt sees the
 * request. Wall-clock time on purpose (as Bolt's own check): freshness is
 * about the real world, not the app's (possibly fake) clock.
 */
export function rejectFutureTimestamps(nowMs: () => number = Date.now): RequestHandler {
  return (req, res, next) => {
    const header = req.headers['x-slack-request-timestamp'];
    const ts = Number(Array.isArray(header) ? header[0] : header);
    // Missing or malformed: Bolt refuses it with 401 itself.
    if (Number.isFinite(ts) && ts > Math.floor(nowMs() / 1000) + MAX_SKEW_SECONDS) {
      res.status(401).send();
      return;
    }
    next();
  };
}
