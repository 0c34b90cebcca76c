export { formatInZone, fromWall, isTimeZone, toWall } from './time-zone.js';
export { readTimes, type TimeContext, type TimeReading } from './read-time.js';
export { scheduleProblem } from './send-at.js';
export { describeQuietHours, quietHoursSchema, quietUntil, type QuietHours } from './quiet-hours.js';
