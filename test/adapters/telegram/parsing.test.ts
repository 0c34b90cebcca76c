import { describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { callsBot, repliesToBot, stripMention } from '../../../src/adapters/telegram/addressing.js';
import { decodeCallback, encodeCallback } from '../../../src/adapters/telegram/callback-data.js';
import { formatCardRef, parseCardRef } from '../../../src/adapters/telegram/card-ref.js';
import { parseEditReply } from '../../../src/adapters/telegram/edit-reply.js';
import { escapeHtml, truncate } from '../../../src/adapters/telegram/html.js';
import { actorFromUser, isAllowedUser } from '../../../src/adapters/telegram/identity.js';

const me = { id: 42, username: 'relaybot_test_bot' };
const group = { id: -100123, type: 'supergroup' as const, title: 'Ops' };
const from = { id: 7, is_bot: false, first_name: 'Alice' };
const msg = (text: string, entities: Message['entities'] = [], over: Partial<Message> = {}): Message =>
  ({ message_id: 1, date: 0, chat: group, from, text, entities, ...over }) as Message;

describe('which group messages are for the bot', () => {
  it('takes /send, /send@thisbot and an @mention; tells replies to the bot apart; ignores the rest', () => {
    expect(callsBot(msg('/send sms +1555 hi', [{ type: 'bot_command', offset: 0, length: 5 }]), me)).toBe(true);
    expect(callsBot(msg('/send@relaybot_test_bot x', [{ type: 'bot_command', offset: 0, length: 23 }]), me)).toBe(true);
    expect(callsBot(msg('/send@otherbot x', [{ type: 'bot_command', offset: 0, length: 14 }]), me)).toBe(false);
    expect(callsBot(msg('hey @RelayBot_Test_Bot sms', [{ type: 'mention', offset: 4, length: 18 }]), me)).toBe(true);
    expect(callsBot(msg('hey @someone else', [{ type: 'mention', offset: 4, length: 8 }]), me)).toBe(false);
    expect(callsBot(msg('just chatting'), me)).toBe(false);
    const reply = msg('yes', [], { reply_to_message: { message_id: 9, date: 0, chat: group, from: { id: 42, is_bot: true, first_name: 'r' } } as Message['reply_to_message'] });
    expect(callsBot(reply, me)).toBe(false);
    expect(repliesToBot(reply, me)).toBe(true);
    expect(repliesToBot(msg('x'), me)).toBe(false);
    expect(callsBot(msg('anything', [], { chat: { id: 7, type: 'private', first_name: 'A' } }), me)).toBe(true);
  });

  it('drops the bot mention from the request text', () => {
    expect(stripMention(msg('@relaybot_test_bot sms +15551234567 hi', [{ type: 'mention', offset: 0, length: 18 }]), me)).toBe('sms +15551234567 hi');
    expect(stripMention(msg('please @relaybot_test_bot  email a@b.co hi', [{ type: 'mention', offset: 7, length: 18 }]), me)).toBe('please email a@b.co hi');
  });
});

describe('callback data, card refs, edit replies', () => {
  it('round-trips every action with the draft version within 64 bytes, and rejects foreign data', () => {
    const id = '0b7f4c2e-8f1a-4d3b-9c5e-6a7b8c9d0e1f';
    for (const action of ['confirm', 'edit', 'cancel'] as const) {
      for (const version of [1, 2, 999_999_999]) {
        const data = encodeCallback(action, id, version);
        expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
        expect(decodeCallback(data)).toEqual({ action, draftId: id, version });
      }
    }
    expect(encodeCallback('confirm', id, 2)).toBe(`c:${id}:2`);
    expect(decodeCallback('z:abc')).toBeNull();
    expect(decodeCallback('c:')).toBeNull();
    expect(decodeCallback('c:drop table; --')).toBeNull();
    expect(decodeCallback(`c:${id}:0`)).toBeNull();
    expect(decodeCallback(`c:${id}:-1`)).toBeNull();
    expect(decodeCallback(`c:${id}:two`)).toBeNull();
    expect(decodeCallback(`c:${id}:1:2`)).toBeNull();
    expect(decodeCallback(`c:${'x'.repeat(60)}:12345`)).toBeNull(); // 70 bytes: more than Telegram ever sends
    expect(() => encodeCallback('confirm', 'x'.repeat(62), 1)).toThrow(/64 bytes/);
  });

  it('still reads buttons drawn before versions existed (no version: the current one, where policy allows)', () => {
    const id = '0b7f4c2e-8f1a-4d3b-9c5e-6a7b8c9d0e1f';
    expect(decodeCallback(`c:${id}`)).toEqual({ action: 'confirm', draftId: id });
    expect(decodeCallback(`e:${id}`)).toEqual({ action: 'edit', draftId: id });
    expect(decodeCallback(`x:${id}`)).toEqual({ action: 'cancel', draftId: id });
  });

  it('stores a card as chatId:messageId, group ids included', () => {
    expect(parseCardRef(formatCardRef(-1001987654321, 1001))).toEqual({ chatId: -1001987654321, messageId: 1001 });
    expect(parseCardRef('1712345678.000100')).toBeNull();
    expect(parseCardRef(null)).toBeNull();
  });

  it('reads a reply to the Edit prompt as new text, recipient or subject', () => {
    expect(parseEditReply('v2.1 is live')).toEqual({ text: 'v2.1 is live' });
    expect(parseEditReply('to: +15557654321')).toEqual({ to: '+15557654321' });
    expect(parseEditReply('Subject: Deploy done\nAll green.\nBye')).toEqual({ subject: 'Deploy done', text: 'All green.\nBye' });
    expect(parseEditReply('TO: ops@example.com\nsubject:')).toEqual({ to: 'ops@example.com', subject: null });
    expect(parseEditReply('Meet me at 10: the usual place')).toEqual({ text: 'Meet me at 10: the usual place' });
  });

  it('reads a new time from a "send at:" line, in words for the app to understand', () => {
    expect(parseEditReply('send at: tomorrow 9:00')).toEqual({ sendAtWords: 'tomorrow 9:00' });
    expect(parseEditReply('When: now\nAll green.')).toEqual({ sendAtWords: 'now', text: 'All green.' });
  });
});

describe('people and text', () => {
  it('names a person by @username, else first name; closed when the list is empty', () => {
    expect(actorFromUser({ id: 7, is_bot: false, first_name: 'Alice', username: 'alice' })).toEqual({ platform: 'telegram', userId: '7', name: '@alice' });
    expect(actorFromUser({ id: 8, is_bot: false, first_name: 'Bob' })).toEqual({ platform: 'telegram', userId: '8', name: 'Bob' });
    expect(isAllowedUser([], { id: 7 })).toBe(false);
    expect(isAllowedUser(['7'], { id: 7 })).toBe(true);
  });

  it('escapes exactly what Telegram HTML needs and truncates without splitting an emoji', () => {
    expect(escapeHtml('<b>&"x"</b>')).toBe('&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('short', 10)).toBe('short');
  });
});
