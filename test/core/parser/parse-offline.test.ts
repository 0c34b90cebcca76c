import { describe, expect, it } from 'vitest';
import type { InterpretContext } from '../../../src/core/interpretation.js';
import { isCancel, parseOffline } from '../../../src/core/parser/index.js';

const ctx: InterpretContext = { history: [], defaultRegion: 'US' };
const parse = (text: string, extra: Partial<InterpretContext> = {}) => parseOffline(text, { ...ctx, ...extra });

describe('parseOffline — explicit addresses become drafts', () => {
  it.each([
    ['send +1555 123 4567 a text that says hello there', 'sms', '+15551234567', 'hello there', null],
    ["text +15551234567 and tell him I'm on my way", 'sms', '+15551234567', "I'm on my way", null],
    ['email a@b.com subject Deploy: v2 is live', 'email', 'a@b.com', 'v2 is live', 'Deploy'],
    ['send an email to ops@x.com with subject "Deploy" and body "v2 is live"', 'email', 'ops@x.com', 'v2 is live', 'Deploy'],
    ['whatsapp +44 7700 900123: the build is green', 'wa', '+447700900123', 'the build is green', null],
    ['tg @alice_b "see you at 6"', 'tg', '@alice_b', 'see you at 6', null],
    ['notify me: backup finished', 'notify', '', 'backup finished', null],
    ['send a text saying hi to (555) 123-4567', 'sms', '+15551234567', 'hi', null],
  ])('%s', (text, channel, to, body, subject) => {
    expect(parse(text)).toEqual({ kind: 'send', request: { channel, to, text: body, subject } });
  });

  it('reads national numbers with the default region', () => {
    expect(parse('sms 07700 900123 running late', { defaultRegion: 'GB' })).toEqual({
      kind: 'send',
      request: { channel: 'sms', to: '+447700900123', text: 'running late', subject: null },
    });
  });
});

describe('parseOffline — never a draft when unsure', () => {
  it.each(['text 555-1234 hi', 'text +1 555 12 hi', 'email bob@example hi', 'text a@b.com hi', 'email +15551234567 hi'])(
    'explains a bad address: %s',
    (text) => {
      const result = parse(text);
      expect(result.kind).toBe('reply');
      expect(result.kind === 'reply' && result.text).toMatch(/not a valid|needs/);
    },
  );

  it.each([
    ["what's the weather", /weather/],
    ['call +15551234567', /phone calls/],
    ['remind me to text mom', /reminders/],
    ['read my email', /inbox/],
    ['reply to the last email', /inbox/],
    ['can you send my exact location to laura', /location/],
    ['send 100 dollars from my checking to savings', /money/],
  ])('answers a non-send request: %s', (text, why) => {
    const result = parse(text);
    expect(result.kind).toBe('reply');
    expect(result.kind === 'reply' && result.text).toMatch(why);
  });

  it('help lists examples', () => {
    const result = parse('help');
    expect(result.kind === 'reply' && result.text).toMatch(/text \+15551234567/);
  });
});

describe('parseOffline — names and missing parts become questions', () => {
  it('asks who a name is and keeps what it has', () => {
    expect(parse('text wenona and tell her we will be there tomorrow')).toEqual({
      kind: 'question',
      text: expect.stringMatching(/^Who is wenona\?/),
      partial: { channel: 'sms', toName: 'wenona', text: 'we will be there tomorrow' },
    });
  });

  it('asks for everything when only the channel is known', () => {
    expect(parse('i have to send a text')).toEqual({
      kind: 'question',
      text: expect.stringMatching(/^Who should I text, and what should it say\?/),
      partial: { channel: 'sms' },
    });
  });

  it('fills the missing address from the next answer', () => {
    const pending = { channel: 'sms' as const, toName: 'wenona', text: 'we will be there tomorrow' };
    expect(parse('her number is 555 123 4567', { pending })).toEqual({
      kind: 'send',
      request: { channel: 'sms', to: '+15551234567', text: 'we will be there tomorrow', subject: null },
    });
  });

  it('fills the missing text from the next answer', () => {
    const pending = { channel: 'sms' as const, to: '+15551234567' };
    expect(parse('tell him I am running late', { pending })).toEqual({
      kind: 'send',
      request: { channel: 'sms', to: '+15551234567', text: 'I am running late', subject: null },
    });
  });

  it('treats a new request as new, not as an answer', () => {
    const pending = { channel: 'sms' as const, toName: 'wenona' };
    expect(parse('email ops@x.com subject Up: all good', { pending })).toMatchObject({
      kind: 'send',
      request: { channel: 'email', to: 'ops@x.com', subject: 'Up', text: 'all good' },
    });
  });

  it('recognises cancelling', () => {
    expect(isCancel('never mind')).toBe(true);
    expect(isCancel('Cancel.')).toBe(true);
    expect(isCancel('cancel the party')).toBe(false);
    expect(parse('forget it', { pending: { channel: 'sms' } })).toEqual({ kind: 'reply', text: 'Okay, cancelled.' });
  });
});

describe('parseOffline — the written address always wins', () => {
  it('uses the number written after a name, not whatever the name may be saved as', () => {
    expect(parse('text bob at +15551234567 hi', { contactNames: ['bob'] })).toEqual({
      kind: 'send',
      request: { channel: 'sms', to: '+15551234567', text: 'hi', subject: null },
    });
  });

  it('asks when two numbers are given instead of sending to the first', () => {
    expect(parse('text +15551234567 or +15559876543 hi').kind).toBe('question');
  });

  it('keeps a number in the body as body', () => {
    expect(parse('text +15551234567 call me back on 555 987 6543')).toMatchObject({
      kind: 'send',
      request: { to: '+15551234567', text: 'call me back on 555 987 6543' },
    });
  });

  it('does not draft a bare address with words after it; it says how', () => {
    const result = parse('+15551234567 is my new number');
    expect(result.kind).toBe('reply');
    expect(result.kind === 'reply' && result.text).toMatch(/Nothing was drafted/);
  });
});
