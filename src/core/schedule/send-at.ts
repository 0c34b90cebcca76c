import { formatInZone } from './time-zone.js';

/**
 * Why `sendAt` cannot be a schedule (a sentence that asks for another time),
 * or null when it can: it must lie ahead of `now` and at most `maxDays` days
 * out. `said` is the person's own words for it, when there are any.
 */
export function scheduleProblem(sendAt: Date, now: Date, maxDays: number, timeZone: string, said?: string): string | null {
  const shown = formatInZone(sendAt, timeZone, now);
  const what = said ? `"${said}" (${shown})` : shown;
  if (sendAt.getTime() <= now.getTime()) {
    return `${what} has already passed. When should it go? Say a time ahead, like "tomorrow at 9:00" or "in 20 minutes".`;
  }
  if (sendAt.getTime() - now.getTime() > maxDays * 86_400_000) {
    return `${what} is more than ${maxDays} days ahead, further than relaybot schedules. When should it go instead?`;
  }
  return null;
}
