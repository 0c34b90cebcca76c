/** Times in words, time zones and quiet hours — pure, with fixed instants (no clock at all). */
import { describe, expect, it } from 'vitest';
import { parseOffline } from '../../../src/core/parser/index.js';
import { formatInZone, fromWall, quietHoursSchema, quietUntil, readTimes } from '../../../src/core/schedule/index.js';

const berlin = 'Europe/Berlin';
const at = (iso: string) => new Date(iso);
const wall = (iso: string) => new Date(`${iso}Z`);
const read = (text: string, now: string, timeZone = berlin) => readTimes(text, { now: at(now), timeZone, maxScheduleDays: 30 });

describe('wall clock ↔ instant across DST (Europe/Berlin, last Sundays of March and October)', () => {
  it('winter and summer offsets', () => {
    expect(fromWall(wall('2026-03-28T09:00:00'), berlin).toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(fromWall(wall('2026-03-29T09:00:00'), berlin).toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(fromWall(wall('2026-10-25T09:00:00'), berlin).toISOString()).toBe('2026-10-25T08:00:00.000Z');
  });

  it('a wall time skipped in spring moves forward by the gap; one repeated in autumn is its first occurrence', () => {
    expect(fromWall(wall('2026-03-29T02:30:00'), berlin).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(formatInZone(at('2026-03-29T01:30:00Z'), berlin, at('2026-03-28T12:00:00Z'))).toBe('Sun 03:30 Europe/Berlin');
    expect(fromWall(wall('2026-10-25T02:30:00'), berlin).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });
});

describe('reading times in words', () => {
  it('"tomorrow 9:00" the day before each change', () => {
    expect(read('tomorrow 9:00', '2026-03-28T12:00:00Z')).toMatchObject([{ kind: 'time', sendAt: at('2026-03-29T07:00:00Z') }]);
    expect(read('tomorrow 9:00', '2026-10-24T12:00:00Z')).toMatchObject([{ kind: 'time', sendAt: at('2026-10-25T08:00:00Z') }]);
  });

  it('"in 20 minutes" is 20 real minutes, even across the spring gap', () => {
    expect(read('in 20 minutes', '2026-03-29T00:50:00Z')).toMatchObject([{ kind: 'time', sendAt: at('2026-03-29T01:10:00Z') }]);
  });

  it('"at 5pm" and "on Friday at noon" in the requester zone; UTC by default', () => {
    expect(read('at 5pm', '2026-03-27T10:00:00Z')).toMatchObject([{ kind: 'time', sendAt: at('2026-03-27T16:00:00Z') }]);
    expect(read('on Friday at noon', '2026-03-23T10:00:00Z')).toMatchObject([{ kind: 'time', sendAt: at('2026-03-27T11:00:00Z') }]);
    expect(read('at 5pm', '2026-03-27T10:00:00Z', 'UTC')).toMatchObject([{ kind: 'time', sendAt: at('2026-03-27T17:00:00Z') }]);
  });

  it('past, too far, no time, am or pm, day/month: a question each, never a guess', () => {
    const q = (text: string) => {
      const [r] = read(text, '2026-03-27T10:00:00Z');
      return r?.kind === 'unclear' ? r.question : `read as ${JSON.stringify(r)}`;
    };
    expect(q('at 9am')).toMatch(/has already passed/);
    expect(q('on 30 June at 9:00')).toMatch(/more than 30 days ahead/);
    expect(q('tomorrow')).toBe('At what time tomorrow? Say it with a time, like "tomorrow at 9:00".');
    expect(q('at 5')).toMatch(/could be morning or evening/);
    expect(q('on 4/5 at 10:00')).toMatch(/day\/month or month\/day/);
  });

  it('"now", a bare month or the past are not schedules', () => {
    expect(read('right now', '2026-03-27T10:00:00Z')).toEqual([]);
    expect(read('may', '2026-03-27T10:00:00Z')).toEqual([]);
    expect(read("last night's backup", '2026-03-27T10:00:00Z')).toEqual([]);
  });
});

describe('the offline parser keeps time words out of the message', () => {
  const ctx = { history: [], defaultRegion: 'US', now: at('2026-03-27T10:00:00Z'), timeZone: berlin };
  it('reads the schedule and leaves the text clean', () => {
    expect(parseOffline('text +15551234567 in 1 minute that hello', ctx)).toEqual({
      kind: 'send', request: { channel: 'sms', to: '+15551234567', text: 'hello', subject: null }, sendAt: at('2026-03-27T10:01:00Z'),
    });
    expect(parseOffline('email ops@example.com tomorrow 9:00 subject Standup: moved to 10', ctx)).toEqual({
      kind: 'send', request: { channel: 'email', to: 'ops@example.com', text: 'moved to 10', subject: 'Standup' }, sendAt: at('2026-03-28T08:00:00Z'),
    });
    expect(parseOffline('text bob at 5pm that the build is out', ctx)).toMatchObject({
      kind: 'question', partial: { toName: 'bob', text: 'the build is out', sendAt: '2026-03-27T16:00:00.000Z' },
    });
  });

  it('a time inside the message is the message own words, not a schedule', () => {
    expect(parseOffline('text +15551234567 that the meeting is at 5pm', ctx)).toEqual({
      kind: 'send', request: { channel: 'sms', to: '+15551234567', text: 'the meeting is at 5pm', subject: null },
    });
    expect(parseOffline('sms +15551234567 see you tomorrow at 9:00', ctx)).toMatchObject({ kind: 'send', request: { text: 'see you tomorrow at 9:00' } });
    expect(parseOffline('sms +15551234567 see you tomorrow at 9:00', ctx)).not.toHaveProperty('sendAt');
  });

  it('answers "When should it go?" with the time alone', () => {
    const asked = parseOffline('text +15551234567 at 5 that hi', ctx);
    expect(asked).toMatchObject({ kind: 'question', partial: { askedWhen: true, text: 'hi' } });
    const answered = parseOffline('5pm please', { ...ctx, pending: asked.kind === 'question' ? asked.partial : undefined });
    expect(answered).toEqual({ kind: 'send', request: { channel: 'sms', to: '+15551234567', text: 'hi', subject: null }, sendAt: at('2026-03-27T16:00:00Z') });
  });
});

describe('quiet hours', () => {
  const overnight = quietHoursSchema.parse({ start: '21:00', end: '08:00', timezone: berlin, action: 'hold' });
  it('an overnight window ends the next morning, local time, whichever side of midnight and of a DST change', () => {
    expect(quietUntil(at('2026-03-27T21:30:00Z'), overnight)?.toISOString()).toBe('2026-03-28T07:00:00.000Z');
    expect(quietUntil(at('2026-03-28T23:30:00Z'), overnight)?.toISOString()).toBe('2026-03-29T06:00:00.000Z');
    expect(quietUntil(at('2026-10-25T03:00:00Z'), overnight)?.toISOString()).toBe('2026-10-25T07:00:00.000Z');
    expect(quietUntil(at('2026-03-27T12:00:00Z'), overnight)).toBeNull();
    // The end itself is outside the window.
    expect(quietUntil(at('2026-03-28T07:00:00Z'), overnight)).toBeNull();
  });

  it('a daytime window; bad policy values are refused naming the field', () => {
    const lunch = quietHoursSchema.parse({ start: '12:00', end: '13:00' });
    expect(quietUntil(at('2026-03-27T12:30:00Z'), lunch)?.toISOString()).toBe('2026-03-27T13:00:00.000Z');
    expect(quietHoursSchema.safeParse({ start: '9pm', end: '08:00' }).error?.issues[0]?.path).toEqual(['start']);
    expect(quietHoursSchema.safeParse({ start: '21:00', end: '08:00', timezone: 'Mars/Base' }).error?.issues[0]?.path).toEqual(['timezone']);
  });
});

describe('what is not a time', () => {
  it('a phone number next to a word, or a bare span, is never read as one', () => {
    expect(read('text +15551234567 second of two', '2026-03-27T10:00:00Z')).toEqual([]);
    expect(read('5 minutes out', '2026-03-27T10:00:00Z')).toEqual([]);
  });
});
