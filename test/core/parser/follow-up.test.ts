import { describe, expect, it } from 'vitest';
import type { InterpretContext, PartialSendRequest } from '../../../src/core/interpretation.js';
import { parseOffline } from '../../../src/core/parser/index.js';

const answer = (text: string, pending: PartialSendRequest, extra: Partial<InterpretContext> = {}) =>
  parseOffline(text, { history: [], defaultRegion: 'US', pending, ...extra });

describe('answers to a question fill what was missing', () => {
  it('a bare national number answers "who is wenona?"', () => {
    expect(answer('(555) 123-4567', { channel: 'sms', toName: 'wenona', text: 'we will be there tomorrow' })).toEqual({
      kind: 'send',
      request: { channel: 'sms', to: '+15551234567', text: 'we will be there tomorrow', subject: null },
    });
  });

  it('an address and the words in one answer', () => {
    expect(answer("+15551234567 and tell her I'm late", { channel: 'sms', toName: 'wenona' })).toEqual({
      kind: 'send',
      request: { channel: 'sms', to: '+15551234567', text: "I'm late", subject: null },
    });
  });

  it('the words answer "what should it say?", greeting included', () => {
    expect(answer('hi there, running late', { channel: 'sms', to: '+15551234567' })).toMatchObject({
      kind: 'send',
      request: { text: 'hi there, running late' },
    });
  });

  it('an email answer may carry a subject', () => {
    expect(answer('subject Late: stuck in traffic', { channel: 'email', to: 'boss@example.com' })).toMatchObject({
      kind: 'send',
      request: { subject: 'Late', text: 'stuck in traffic' },
    });
  });

  it('the channel answers "which one?"', () => {
    expect(answer('whatsapp', { to: '+15551234567', text: 'hi' })).toMatchObject({ kind: 'send', request: { channel: 'wa' } });
  });

  it('a name answers "who should I text?", and is asked about next', () => {
    expect(answer('my sister', { channel: 'sms' })).toMatchObject({ kind: 'question', partial: { channel: 'sms', toName: 'sister' } });
  });

  it('an address of the wrong kind is explained and the question stays open', () => {
    const result = answer('wenona@example.com', { channel: 'sms', toName: 'wenona', text: 'hi' });
    expect(result).toMatchObject({ kind: 'question', partial: { channel: 'sms', toName: 'wenona', text: 'hi' } });
    expect(result.kind === 'question' && result.text).toMatch(/SMS needs a phone number/);
  });

  it('an invalid number is refused, not drafted', () => {
    const result = answer('555 12', { channel: 'sms', toName: 'wenona', text: 'hi' });
    expect(result.kind).not.toBe('send');
  });

  it('a request for someone else starts over instead of mixing the two', () => {
    expect(answer('text alice see you at 6', { channel: 'sms', toName: 'wenona', text: 'hi' })).toMatchObject({
      kind: 'question',
      partial: { channel: 'sms', toName: 'alice', text: 'see you at 6' },
    });
  });

  it('an unrelated question is answered and drafts nothing', () => {
    expect(answer("what's the weather like", { channel: 'sms', toName: 'wenona', text: 'hi' }).kind).toBe('reply');
  });
});
