/**
 * The schedule of a new draft: the time the person asked for (checked: ahead,
 * within reach), then quiet hours — `hold` moves it to the end of the quiet
 * window (the card says so), `refuse` refuses with the sentence.
 */
import { AppError } from '../core/errors.js';
import type { Policy } from '../core/policy.js';
import { describeQuietHours, formatInZone, quietUntil, scheduleProblem } from '../core/schedule/index.js';

export interface Schedule {
  sendAt: Date | null;
  heldForQuietHours: boolean;
}

export function planSchedule(policy: Policy, asked: Date | null, now: Date, timeZone: string): Schedule {
  if (asked) {
    const problem = scheduleProblem(asked, now, policy.maxScheduleDays, timeZone);
    if (problem) throw new AppError('invalid:send_at', `${problem} Nothing was drafted.`);
  }
  const quiet = policy.quietHours;
  const until = quiet ? quietUntil(asked ?? now, quiet) : null;
  if (!quiet || !until) return { sendAt: asked, heldForQuietHours: false };
  if (quiet.action === 'refuse') {
    const when = asked ? `at ${formatInZone(asked, timeZone, now)}` : 'now';
    throw new AppError(
      'denied:quiet_hours',
      `Sending ${when} falls in quiet hours (${describeQuietHours(quiet)}), when relaybot sends nothing. Ask again for a time after ${quiet.end}; nothing was drafted.`,
    );
  }
  return { sendAt: until, heldForQuietHours: true };
}
