/**
 * The schedule of a new draft: the time the person asked for (checked: ahead,
 * within reach), then quiet hours — `hold` moves it to the end of the quiet
 * window (the card says so), `refuse` refuses with the sentence.
 */
import { AppError } from '../core/errors.js';
import type { Policy } from '../core/policy.js';
import { describeQuietHours, formatInZone, quietUntil, readTimes, scheduleProblem } from '../core/schedule/index.js';

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

/**
 * A new time for an edit, in words ("tomorrow 9:00", "in 20 minutes"; "now"
 * or "when approved": null). Throws `invalid:send_at` with the question when
 * the words are not one clear time ahead.
 */
export function sendAtFromWords(words: string, policy: Policy, now: Date, timeZone: string): Date | null {
  const said = words.trim();
  if (/^(?:now|right now|immediately|asap|when approved|none|-)?$/i.test(said)) return null;
  const times = readTimes(said, { now, timeZone, maxScheduleDays: policy.maxScheduleDays });
  const [only] = times;
  if (times.length !== 1 || !only) {
    throw new AppError('invalid:send_at', `send at: "${said}" is not one clear time. Say it like "tomorrow 9:00", "at 17:00" or "in 20 minutes", or "now".`);
  }
  if (only.kind === 'unclear') throw new AppError('invalid:send_at', only.question);
  return only.sendAt;
}
