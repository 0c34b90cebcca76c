import { describe, expect, it } from 'vitest';
import { understand, type UnderstandDeps } from '../../src/app/understanding.js';
import { createOfflineInterpreter } from '../../src/core/parser/index.js';
import type { SendRequest } from '../../src/core/send-request.js';
import { ManualClock, MemoryContactBook, MemoryConversationStore } from '../fakes/memory-stores.js';

/**
 * Every answer given toward a waiting request is kept until it is drafted: a
 * request started with pieces missing, then answered piece by piece in every
 * order, drafts exactly what was said, and each question asks only for what
 * is still missing.
 */
type Piece = 'recipient' | 'text' | 'subject';
interface Sequence {
  start: string;
  answers: Partial<Record<Piece, string>>;
  expected: SendRequest;
}

const SEQUENCES: Sequence[] = [
  { start: 'text dave', answers: { text: 'running late', recipient: '+15551112222' }, expected: { channel: 'sms', to: '+15551112222', text: 'running late', subject: null } },
  { start: 'send a text', answers: { text: 'running late', recipient: '(555) 111-2222' }, expected: { channel: 'sms', to: '+15551112222', text: 'running late', subject: null } },
  { start: 'send a message', answers: { text: 'on my way', recipient: '+15551112222' }, expected: { channel: 'sms', to: '+15551112222', text: 'on my way', subject: null } },
  { start: 'text wenona', answers: { text: 'we will be there tomorrow', recipient: '+1 555 123 4567' }, expected: { channel: 'sms', to: '+15551234567', text: 'we will be there tomorrow', subject: null } },
  { start: 'message dave on whatsapp', answers: { text: 'see you at 6', recipient: '+15551112222' }, expected: { channel: 'wa', to: '+15551112222', text: 'see you at 6', subject: null } },
  { start: 'email dave', answers: { text: 'running late', recipient: 'dave@example.com' }, expected: { channel: 'email', to: 'dave@example.com', text: 'running late', subject: null } },
  {
    start: 'email dave',
    answers: { subject: 'subject Traffic', text: 'running late', recipient: 'dave@example.com' },
    expected: { channel: 'email', to: 'dave@example.com', text: 'running late', subject: 'Traffic' },
  },
  {
    start: 'send an email',
    answers: { subject: 'subject "Q3 report"', text: 'the numbers are in', recipient: 'boss@example.com' },
    expected: { channel: 'email', to: 'boss@example.com', text: 'the numbers are in', subject: 'Q3 report' },
  },
];

function orders<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** What a question asks for, read from its words. */
/** A fresh offline understanding with empty stores: each sequence starts a new conversation. */
const freshDeps = (): UnderstandDeps => ({
  interpreter: createOfflineInterpreter(),
  contacts: new MemoryContactBook(),
  conversations: new MemoryConversationStore(),
  clock: new ManualClock(),
  defaultRegion: 'US',
});

const asksRecipient = (q: string) => /\bWho (?:is|should)\b|phone number, email or @username/i.test(q);
const asksText = (q: string) => /what should (?:it|the (?:\S+ )?message) say/i.test(q);

describe('a waiting request keeps every answer, in any order', () => {
  for (const seq of SEQUENCES) {
    // The subject is never asked for, so it is answered before the last missing piece.
    const pieces = Object.keys(seq.answers) as Piece[];
    for (const order of orders(pieces).filter((o) => o.at(-1) !== 'subject')) {
      it(`"${seq.start}" → ${order.map((p) => JSON.stringify(seq.answers[p])).join(' → ')}`, async () => {
        const deps = freshDeps();
        const say = (text: string) => understand(deps, { conversationKey: 'web:chat-1:-:alice', contactScope: 'web', text });

        const first = await say(seq.start);
        expect(first.kind).toBe('reply');
        const given = new Set<Piece>();
        for (const [i, piece] of order.entries()) {
          const result = await say(seq.answers[piece] as string);
          given.add(piece);
          if (i === order.length - 1) {
            expect(result).toEqual({ kind: 'send', request: seq.expected, viaContact: false });
            break;
          }
          expect(result.kind).toBe('reply');
          const question = result.kind === 'reply' ? result.text : '';
          // One question for what is still missing — never again for what was answered.
          expect(asksRecipient(question)).toBe(!given.has('recipient'));
          expect(asksText(question)).toBe(!given.has('text'));
        }
      });
    }
  }

  it('the reported sequence: "text dave" → "running late" → "+15551112222" asks one thing at a time and drafts', async () => {
    const deps = freshDeps();
    const say = async (text: string) => {
      const r = await understand(deps, { conversationKey: 'k', contactScope: 'web', text });
      return r.kind === 'reply' ? r.text : r;
    };
    expect(await say('text dave')).toMatch(/^Who is dave\?.*And what should the message say\?$/);
    const second = await say('running late');
    expect(second).toMatch(/^Who is dave\?/);
    expect(second).not.toMatch(/what should/i);
    expect(await say('+15551112222')).toEqual({ kind: 'send', request: { channel: 'sms', to: '+15551112222', text: 'running late', subject: null }, viaContact: false });
  });

  it('an unrelated aside is answered and the waiting words survive it', async () => {
    const deps = freshDeps();
    const say = (text: string) => understand(deps, { conversationKey: 'k', contactScope: 'web', text });
    await say('text dave');
    await say('running late');
    expect((await say("what's the weather like")).kind).toBe('reply');
    expect(await say('+15551112222')).toMatchObject({ kind: 'send', request: { text: 'running late', to: '+15551112222' } });
  });
});
