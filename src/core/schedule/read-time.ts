/**
 * Times in a person's words ("at 5pm", "tomorrow 9:00", "in 20 minutes", "on
 * Friday at noon") read with chrono in the person's time zone. A reading is
 * either one instant or a question: relaybot never guesses a time.
 */
import * as chrono from 'chrono-node';
import { fromWall, toWall } from './time-zone.js';
import { scheduleProblem } from './send-at.js';

export interface TimeContext {
  now: Date;
  /** IANA zone the words are meant in. */
  timeZone: string;
  /** How far ahead a send may be scheduled, days. */
  maxScheduleDays: number;
}

export type TimeReading =
  | { kind: 'time'; sendAt: Date; phrase: string; index: number }
  | { kind: 'unclear'; question: string; phrase: string; index: number };

/** "now", "right now", "immediately": the default, not a schedule. */
const NOW_WORDS = /^(?:right\s+)?now$|^immediately$|^asap$/i;
/** A phone number, an address or a bare span ("5 minutes", with no "in"): chrono reads a time into them, people do not. */
const NOT_A_TIME = /\d{5}|[+@]|^(?:\d+|an?|one|two|three|four|five|ten|twenty|thirty)\s+(?:sec|min|hour|day|week)/i;
const PAST_WORDS = /\b(?:last|yesterday|ago|earlier)\b/i;
/** "in 20 minutes", "2 hours from now": a span from this instant, not a wall-clock time. */
const RELATIVE = /^(?:in|after|within)\s|\bfrom\s+now\b|\blater\b/i;
/** Words that settle morning or evening without am/pm. */
const DAYPART = /\b(?:noon|midday|midnight|morning|afternoon|evening|tonight|night)\b/i;
/** "9:00", "17.30", "9h30": minutes written out read as a 24-hour clock. */
const CLOCK_WITH_MINUTES = /\d[:.h]\d\d/;
/** "10/11" or "3-4": day and month could be either way round. */
const NUMERIC_DATE = /\b(\d{1,2})[/.-](\d{1,2})\b/;

/** Every time phrase chrono finds in `text`, each read as an instant or a question, in order. */
export function readTimes(text: string, ctx: TimeContext): TimeReading[] {
  const wallNow = toWall(ctx.now, ctx.timeZone);
  // Parsed against the zone's wall clock as if it were UTC; fromWall turns the answer into the real instant.
  const results = chrono.parse(text, { instant: wallNow, timezone: 0 }, { forwardDate: false });
  const readings: TimeReading[] = [];
  for (const r of results) {
    const phrase = r.text.trim();
    // "now" is the default; "last night", "yesterday" can only be the message's own words.
    if (NOW_WORDS.test(phrase) || PAST_WORDS.test(phrase) || NOT_A_TIME.test(phrase)) continue;
    const start = r.start;
    const relative = RELATIVE.test(phrase);
    const hasDay = start.isCertain('day') || start.isCertain('weekday');
    // A month or a year alone ("may", "2025") is more likely a word than a schedule: leave it to the message.
    if (!relative && !start.isCertain('hour') && !hasDay) continue;
    const at = { phrase, index: r.index };
    if (relative) {
      const sendAt = new Date(ctx.now.getTime() + (start.date().getTime() - wallNow.getTime()));
      readings.push(check(sendAt, at, ctx));
      continue;
    }
    if (!start.isCertain('hour')) {
      readings.push({ kind: 'unclear', question: `At what time ${phrase}? Say it with a time, like "${phrase} at 9:00".`, ...at });
      continue;
    }
    const hour = start.get('hour') ?? 0;
    if (!start.isCertain('meridiem') && hour >= 1 && hour <= 11 && !CLOCK_WITH_MINUTES.test(phrase) && !DAYPART.test(phrase)) {
      readings.push({
        kind: 'unclear',
        question: `"${phrase}" could be morning or evening. Say "${phrase}am", "${phrase}pm", or a 24-hour time like ${hour + 12}:00.`,
        ...at,
      });
      continue;
    }
    const numeric = NUMERIC_DATE.exec(phrase);
    if (numeric && Number(numeric[1]) <= 12 && Number(numeric[2]) <= 12 && numeric[1] !== numeric[2]) {
      readings.push({ kind: 'unclear', question: `"${numeric[0]}" could be either day/month or month/day. Say the date with the month's name, like "11 October".`, ...at });
      continue;
    }
    let wall = start.date();
    // "on Friday" said on a Monday means the coming Friday: a weekday on an earlier day is next week's.
    if (start.isCertain('weekday') && !start.isCertain('day') && dayOf(wall) < dayOf(wallNow)) wall = new Date(wall.getTime() + 7 * 86_400_000);
    readings.push(check(fromWall(wall, ctx.timeZone), at, ctx));
  }
  return readings;
}

const dayOf = (wall: Date) => Math.floor(wall.getTime() / 86_400_000);

function check(sendAt: Date, at: { phrase: string; index: number }, ctx: TimeContext): TimeReading {
  const problem = scheduleProblem(sendAt, ctx.now, ctx.maxScheduleDays, ctx.timeZone, at.phrase);
  return problem ? { kind: 'unclear', question: problem, ...at } : { kind: 'time', sendAt, ...at };
}
