import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import { validateSendRequest } from '../../src/core/validation.js';

const sms = (to: string, text = 'hi') => validateSendRequest({ channel: 'sms', to, text, subject: null }, 'US');
const reason = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).message;
  }
  throw new Error('expected a refusal');
};

describe('validateSendRequest', () => {
  it('normalises phone numbers in national and international formats to E.164', () => {
    expect(sms('+15551234567').to).toBe('+15551234567');
    expect(sms('(555) 123-4567').to).toBe('+15551234567');
    expect(sms('+44 20 7946 0958').to).toBe('+442079460958');
    expect(sms('0044 20 7946 0958').to).toBe('+442079460958');
    expect(validateSendRequest({ channel: 'wa', to: '020 7946 0958', text: 'x', subject: null }, 'GB').to).toBe('+442079460958');
  });

  it('says which number is wrong and why', () => {
    expect(reason(() => sms('12345'))).toContain('"12345" is not a valid phone number');
    expect(reason(() => sms(''))).toMatch(/needs a phone number/);
  });

  it('checks email addresses and keeps the subject only for email', () => {
    const email = validateSendRequest({ channel: 'email', to: 'Ops@Example.com', text: 'v2 is live', subject: 'Deploy' }, 'US');
    expect(email).toEqual({ channel: 'email', to: 'ops@example.com', text: 'v2 is live', subject: 'Deploy' });
    expect(reason(() => validateSendRequest({ channel: 'email', to: 'ops@', text: 'x', subject: null }, 'US'))).toContain('not a valid email address');
    expect(sms('+15551234567').subject).toBeNull();
  });

  it('accepts Telegram usernames and ids, adding the @', () => {
    const tg = (to: string) => validateSendRequest({ channel: 'tg', to, text: 'x', subject: null }, 'US').to;
    expect(tg('@alice_w')).toBe('@alice_w');
    expect(tg('alice_w')).toBe('@alice_w');
    expect(tg('123456789')).toBe('123456789');
    expect(reason(() => tg('@a b'))).toContain('not a valid Telegram recipient');
  });

  it('needs no recipient for notify', () => {
    expect(validateSendRequest({ channel: 'notify', to: 'whatever', text: 'backup done', subject: null }, 'US').to).toBe('');
  });

  it('refuses empty and over-long texts with the limit in the sentence', () => {
    expect(reason(() => sms('+15551234567', '   '))).toContain('empty');
    expect(reason(() => sms('+15551234567', 'x'.repeat(1601)))).toBe('The message is 1601 characters; SMS allows at most 1600.');
    expect(sms('+15551234567', 'x'.repeat(1600)).text).toHaveLength(1600);
  });

  it('puts an email subject on one line: every line or paragraph separator and C0/C1 control becomes a space', () => {
    const subject = (value: string) => validateSendRequest({ channel: 'email', to: 'ops@example.com', text: 'x', subject: value }, 'US').subject;
    for (const brk of ['\r\n', '\n', '\r', '\v', '\f', '\u2028', '\u2029', '\u0085', '\u001b', '\u0007', '\u007f', '\u009b', '\t']) {
      expect(subject(`Deploy${brk}Bcc: evil@example.com`), JSON.stringify(brk)).toBe('Deploy Bcc: evil@example.com');
    }
    expect(subject('Deploy \u2028\n  done')).toBe('Deploy done');
    expect(subject('\u2028\v')).toBeNull();
    expect(subject('Déploiement — v2 ✅')).toBe('Déploiement — v2 ✅');
  });

  it('refuses a null byte or a lone surrogate in any field, naming it', () => {
    expect(reason(() => sms('+15551234567', 'hi\u0000'))).toMatch(/^text: contains a null byte/);
    expect(reason(() => sms('+1555\u00001234567'))).toMatch(/^to: contains a null byte/);
    expect(reason(() => validateSendRequest({ channel: 'email', to: 'ops@example.com', text: 'x', subject: 'a\ud800' }, 'US'))).toMatch(/^subject: contains a broken character/);
    expect(sms('+15551234567', 'ok 😀').text).toBe('ok 😀');
  });
});
