/**
 * Wall-clock time in an IANA time zone, with the platform's Intl data only.
 * A "wall" Date carries the zone's local date and time in its UTC fields, so
 * date arithmetic on it never meets the host's own zone.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Is this a time zone the platform knows ("Europe/Berlin", "UTC")? */
export function isTimeZone(name: string): boolean {
  try {
    partsFormatter(name);
    return true;
  } catch {
    return false;
  }
}

/** The zone's local date and time at `instant`, as a wall Date. */
export function toWall(instant: Date, timeZone: string): Date {
  const parts: Record<string, number> = {};
  for (const p of partsFormatter(timeZone).formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return new Date(Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!, instant.getUTCMilliseconds()));
}

/** The zone's offset from UTC at `instant`, ms (Berlin in summer: +2 h). */
export const offsetAt = (instant: Date, timeZone: string): number => toWall(instant, timeZone).getTime() - instant.getTime();

/**
 * The instant at which the zone's clocks show `wall`. A wall time skipped by a
 * spring-forward gap (02:30 on the last Sunday of March in Berlin) does not
 * exist: it is moved forward by the gap, as clocks are. A time repeated in the
 * autumn is read as its first occurrence.
 */
export function fromWall(wall: Date, timeZone: string): Date {
  const w = wall.getTime();
  const day = 86_400_000;
  // The offsets in force a day either side cover any transition near `wall`.
  const offsets = new Set([offsetAt(new Date(w - day), timeZone), offsetAt(wall, timeZone), offsetAt(new Date(w + day), timeZone)]);
  const hits = [...offsets].map((o) => w - o).filter((t) => toWall(new Date(t), timeZone).getTime() === w);
  if (hits.length > 0) return new Date(Math.min(...hits));
  // In a gap: the offset from before it carries the wall time past it.
  return new Date(w - offsetAt(new Date(w - day), timeZone));
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * "Fri 17:00 Europe/Berlin" for a time within the coming week (as seen at
 * `now`), "Fri 12 Dec 17:00 Europe/Berlin" further out, so a weekday never
 * stands for two dates.
 */
export function formatInZone(instant: Date, timeZone: string, now: Date): string {
  const w = toWall(instant, timeZone);
  const clock = `${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}`;
  const day = WEEKDAYS[w.getUTCDay()]!;
  const near = instant.getTime() - now.getTime() < 6 * 86_400_000;
  const date = near ? day : `${day} ${w.getUTCDate()} ${MONTHS[w.getUTCMonth()]}`;
  return `${date} ${clock} ${timeZone}`;
}
