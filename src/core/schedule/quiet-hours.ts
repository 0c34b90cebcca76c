import { z } from 'zod';
import { fromWall, isTimeZone, toWall } from './time-zone.js';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like "21:00" (24-hour, HH:MM)');

/**
 * Policy `quietHours`: no sends between `start` and `end` (wall clock in
 * `timezone`; a window may run past midnight, 21:00–08:00). `hold` moves a send
 * that would fall inside to the window's end; `refuse` refuses it when drafted.
 */
export const quietHoursSchema = z
  .object({
    start: hhmm,
    end: hhmm,
    timezone: z.string().refine(isTimeZone, 'an IANA time zone such as "Europe/Berlin"').default('UTC'),
    action: z.enum(['hold', 'refuse']).default('hold'),
  })
  .strict()
  .refine((q) => q.start !== q.end, { message: 'start and end must differ', path: ['end'] });
export type QuietHours = z.infer<typeof quietHoursSchema>;

const minutesOf = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));

/**
 * When the quiet window containing `at` ends, or null when `at` is outside
 * every quiet window. The window includes its start and excludes its end.
 */
export function quietUntil(at: Date, quiet: QuietHours): Date | null {
  const wall = toWall(at, quiet.timezone);
  const minute = wall.getUTCHours() * 60 + wall.getUTCMinutes();
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  const midnight = Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate());
  // Past midnight the window ends today; before midnight (in an overnight window) it ends tomorrow.
  const endDay = start > end && minute >= start ? midnight + 86_400_000 : midnight;
  return fromWall(new Date(endDay + end * 60_000), quiet.timezone);
}

/** "21:00–08:00 Europe/Berlin", for sentences and cards. */
export const describeQuietHours = (quiet: QuietHours): string => `${quiet.start}–${quiet.end} ${quiet.timezone}`;
