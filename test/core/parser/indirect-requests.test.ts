import { describe, expect, it } from 'vitest';
import type { InterpretContext } from '../../../src/core/interpretation.js';
import { FALLBACK, parseOffline } from '../../../src/core/parser/index.js';

const ctx: InterpretContext = { history: [], defaultRegion: 'US' };
const parse = (text: string) => parseOffline(text, ctx);
const replyText = (text: string): string => {
  const result = parse(text);
  expect(result.kind, JSON.stringify(result)).toBe('reply');
  return result.kind === 'reply' ? result.text : '';
};

describe('parseOffline — a sending verb and a person, but no words to send', () => {
  it('asks what to say when a thing is named instead of words, and says why', () => {
    const result = parse('send priya her updated rota');
    expect(result).toEqual({ kind: 'question', text: expect.stringMatching(/can't fetch "her updated rota".*Who is priya\?.*what should the message say\?/), partial: { toName: 'priya' } });
  });

  it('keeps a channel named at the end of the thing', () => {
    expect(parse('send marco the slides from monday by email')).toMatchObject({ kind: 'question', partial: { channel: 'email', toName: 'marco' } });
  });

  it.each([
    ['send omar khan and email', 'email', 'omar khan'],
    ['send lena and a text', 'sms', 'lena'],
  ])('reads "%s" as a person and a channel', (text, channel, toName) => {
    expect(parse(text)).toEqual({ kind: 'question', text: expect.stringMatching(/what should the message say\?/), partial: { channel, toName } });
  });

  it('does not treat "send me …" as a message to someone', () => {
    expect(parse('send me the headlines').kind).toBe('reply');
  });

  it('still refuses money given to a person', () => {
    expect(replyText('send the kids their lunch money')).toMatch(/can't send or move money/);
    expect(replyText('send dad some money')).toMatch(/can't send or move money/);
  });
});

describe('parseOffline — passive requests', () => {
  it('takes the recipient after "sent to" and asks for the words', () => {
    expect(parse('the invoice has to be sent to marta by email')).toMatchObject({
      kind: 'question',
      text: expect.stringMatching(/what should the message say\?/),
      partial: { channel: 'email', toName: 'marta' },
    });
    expect(parse('a reminder note is to be sent just to jonas')).toMatchObject({ kind: 'question', partial: { toName: 'jonas' } });
  });

  it('drafts when the words are quoted and the address written', () => {
    expect(parse('"doors open at 7" should be sent to +15552013344 by text')).toEqual({
      kind: 'send',
      request: { channel: 'sms', to: '+15552013344', text: 'doors open at 7', subject: null },
    });
  });

  it('reads a past event as a statement, not a request', () => {
    expect(parse('the package was sent to john yesterday').kind).toBe('reply');
  });
});

describe('parseOffline — "say X to R"', () => {
  it('uses the last "to" that names someone, so the words may contain "to"', () => {
    expect(parse('say welcome to the team to +15551234567 by sms')).toEqual({
      kind: 'send',
      request: { channel: 'sms', to: '+15551234567', text: 'welcome to the team', subject: null },
    });
  });

  it('asks who a name is and keeps the words and the channel', () => {
    expect(parse('wish happy anniversary to grandma by text')).toMatchObject({ kind: 'question', partial: { channel: 'sms', toName: 'grandma', text: 'happy anniversary' } });
  });

  it('reads a channel named through the person\'s own account ("on her whatsapp", "in his email id")', () => {
    expect(parse('say congratulations to her on her whatsapp')).toEqual({
      kind: 'question',
      text: expect.stringMatching(/^Who should I message on WhatsApp\?/),
      partial: { channel: 'wa', text: 'congratulations' },
    });
    expect(parse('tell ann i am late on her whatsapp')).toMatchObject({ partial: { channel: 'wa', toName: 'ann', text: 'i am late' } });
  });
});

describe('parseOffline — a request after a story', () => {
  it('finds the request and asks who "her" is rather than guessing from the story', () => {
    expect(parse('our neighbour fed the cat all week so please text her a big thank you')).toEqual({
      kind: 'question',
      text: expect.stringMatching(/^Who should I text\?/),
      partial: { channel: 'sms', text: 'a big thank you' },
    });
    // Two people in the story: the pronoun is never resolved to the first one named.
    const result = parse('tom told me that anna passed her exam, say congrats to her by email');
    expect(result).toMatchObject({ kind: 'question', partial: { channel: 'email', text: 'congrats' } });
    expect(result.kind === 'question' && result.partial.toName).toBeFalsy();
  });

  it.each(['i told him i would text her later', 'my sister said she will email me tomorrow', 'he wants to text her'])(
    'leaves a statement about messaging alone: %s',
    (text) => {
      expect(parse(text).kind).toBe('reply');
    },
  );
});

describe('parseOffline — clear sentences for what relaybot cannot do', () => {
  it.each(['fetch my new emails', 'please load the latest mail for me', 'sync mail for the work account'])('fetching mail is reading the inbox: %s', (text) => {
    expect(replyText(text)).toMatch(/can't read your inbox/);
  });

  it('points a bare "new number" at the contact command', () => {
    expect(replyText('new phone number')).toMatch(/save Bob as \+15551234567/);
  });

  it('says it does not answer questions', () => {
    expect(replyText('why does my phone keep buzzing')).toMatch(/^I can't answer questions/);
  });

  it('the catch-all says what relaybot can and cannot do', () => {
    const text = replyText('purple elephants dancing');
    expect(text).toBe(FALLBACK);
    expect(text).toMatch(/nothing was drafted/);
    expect(text).toMatch(/I can send a text \(SMS\), WhatsApp, Telegram, email or push notification/);
    expect(text).toMatch(/I can't answer questions, read messages, make calls or set reminders/);
  });
});
