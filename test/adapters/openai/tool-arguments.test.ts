import { describe, expect, it } from 'vitest';
import { readToolCall } from '../../../src/adapters/openai/tool-arguments.js';

const ctx = { contactNames: ['Alice'] };

describe('reading tool arguments', () => {
  it('a push notification needs no recipient', () => {
    expect(readToolCall('send_message', '{"channel":"notify","to":"","text":"Backup done","subject":null}', ctx)).toEqual({
      kind: 'send',
      request: { channel: 'notify', to: '', text: 'Backup done', subject: null },
    });
  });

  it('reads channel names models use despite the enum, and keeps an email subject', () => {
    const outcome = readToolCall('send_message', '{"channel":"E-Mail","to":"ops@example.com","text":"Done.","subject":" Deploy "}', ctx);
    expect(outcome).toEqual({ kind: 'send', request: { channel: 'email', to: 'ops@example.com', text: 'Done.', subject: 'Deploy' } });
  });

  it('asks for everything missing in one question', () => {
    expect(readToolCall('send_message', '{"channel":"sms"}', ctx)).toEqual({
      kind: 'question',
      text: "Who should I send it to? A phone number, email address, @username or a saved contact's name will do. What should the message say?",
      partial: { channel: 'sms' },
    });
  });

  it('ask_user without a question gets one built from what is missing', () => {
    expect(readToolCall('ask_user', '{"question":"","to":"alice","text":"Hi","channel":null,"subject":null}', ctx)).toEqual({
      kind: 'question',
      text: 'How should I reach alice: by SMS, WhatsApp, Telegram or email?',
      partial: { toName: 'alice', text: 'Hi' },
    });
  });

  it('a non-object or truncated argument string is invalid, never a throw', () => {
    expect(readToolCall('send_message', '["sms"]', ctx).kind).toBe('invalid');
    expect(readToolCall('send_message', '{"channel":"sms","text":"Hel', ctx).kind).toBe('invalid');
  });
});

describe('send_at', () => {
  it('a time with its offset becomes the schedule; null means when approved', () => {
    const outcome = readToolCall('send_message', '{"channel":"sms","to":"+15551234567","text":"hello","subject":null,"send_at":"2026-03-27T17:00:00+01:00"}', ctx);
    expect(outcome).toEqual({
      kind: 'send',
      request: { channel: 'sms', to: '+15551234567', text: 'hello', subject: null },
      sendAt: new Date('2026-03-27T16:00:00Z'),
    });
    const now = readToolCall('send_message', '{"channel":"sms","to":"+15551234567","text":"hello","subject":null,"send_at":null}', ctx);
    expect(now).toEqual({ kind: 'send', request: { channel: 'sms', to: '+15551234567', text: 'hello', subject: null } });
  });

  it('a time without an offset (or not a time at all) is invalid, worth one retry: never read in the server zone', () => {
    for (const sendAt of ['2026-03-27T17:00:00', 'tomorrow at 5pm']) {
      const outcome = readToolCall('send_message', JSON.stringify({ channel: 'sms', to: '+15551234567', text: 'hi', subject: null, send_at: sendAt }), ctx);
      expect(outcome.kind).toBe('invalid');
      expect(outcome.kind === 'invalid' && outcome.problem).toMatch(/"send_at" is .* not an ISO 8601 time with an offset/);
    }
  });

  it('ask_user keeps a known time for the answer', () => {
    const outcome = readToolCall('ask_user', '{"question":"Who is Bob?","channel":"sms","to":null,"text":"hi","subject":null,"send_at":"2026-03-27T17:00:00Z"}', ctx);
    expect(outcome).toMatchObject({ kind: 'question', partial: { channel: 'sms', text: 'hi', sendAt: '2026-03-27T17:00:00.000Z' } });
  });
});
