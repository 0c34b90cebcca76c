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
