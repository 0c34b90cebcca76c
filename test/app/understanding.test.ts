import { beforeEach, describe, expect, it } from 'vitest';
import { PENDING_TTL_MS, understand, type UnderstandDeps } from '../../src/app/understanding.js';
import { createOfflineInterpreter } from '../../src/core/parser/index.js';
import { ManualClock, MemoryContactBook, MemoryConversationStore } from '../fakes/memory-stores.js';

const scope = 'telegram:42';
const key = 'telegram:42:-:7';

describe('understand (offline interpreter, in-memory stores)', () => {
  let deps: UnderstandDeps & { contacts: MemoryContactBook; conversations: MemoryConversationStore; clock: ManualClock };
  const say = (text: string) => understand(deps, { conversationKey: key, contactScope: scope, text });

  beforeEach(() => {
    deps = {
      interpreter: createOfflineInterpreter(),
      contacts: new MemoryContactBook(),
      conversations: new MemoryConversationStore(),
      clock: new ManualClock(),
      defaultRegion: 'US',
    };
  });

  it('sends to a saved contact when the name matches one contact', async () => {
    await deps.contacts.save(scope, 'Bob', 'sms', '+15551234567', deps.clock.now());
    const result = await say('text bob running late');
    expect(result).toEqual({
      kind: 'send',
      request: { channel: 'sms', to: '+15551234567', text: 'running late', subject: null },
      viaContact: true,
    });
    expect((await deps.conversations.get(key))?.pending).toBeNull();
  });

  it('uses the contact’s channel when none was named', async () => {
    await deps.contacts.save(scope, 'Wenona', 'email', 'wenona@example.com', deps.clock.now());
    const result = await say('tell wenona we will be there tomorrow');
    expect(result).toMatchObject({ kind: 'send', request: { channel: 'email', to: 'wenona@example.com', text: 'we will be there tomorrow' }, viaContact: true });
  });

  it('asks who an unknown name is, then sends when given the number', async () => {
    const first = await say('text wenona and tell her we will be there tomorrow');
    expect(first.kind).toBe('reply');
    expect(first.kind === 'reply' && first.text).toMatch(/Who is wenona\?.*save Wenona as/);
    const second = await say('+1 (555) 123-4567');
    expect(second).toEqual({
      kind: 'send',
      request: { channel: 'sms', to: '+15551234567', text: 'we will be there tomorrow', subject: null },
      viaContact: false,
    });
  });

  it('asks what to say, then sends the answer to the contact', async () => {
    await deps.contacts.save(scope, 'bob', 'sms', '+15551234567', deps.clock.now());
    const first = await say('text bob');
    expect(first.kind === 'reply' && first.text).toMatch(/What should it say\?.*bob/);
    const second = await say('running late');
    expect(second).toEqual({ kind: 'send', request: { channel: 'sms', to: '+15551234567', text: 'running late', subject: null }, viaContact: true });
  });

  it('never guesses between two contacts with the same name', async () => {
    await deps.contacts.save(scope, 'Bob', 'sms', '+15551234567', deps.clock.now());
    await deps.contacts.save('global', 'bob', 'sms', '+15557654321', deps.clock.now());
    const result = await say('text bob hi');
    expect(result.kind).toBe('reply');
    expect(result.kind === 'reply' && result.text).toMatch(/more than one/);
  });

  it('asks when the contact is saved on another channel', async () => {
    await deps.contacts.save(scope, 'Bob', 'email', 'bob@example.com', deps.clock.now());
    const result = await say('text bob running late');
    expect(result.kind === 'reply' && result.text).toMatch(/Bob is saved only for Email bob@example.com, not SMS/);
    const next = await say('email');
    expect(next).toMatchObject({ kind: 'send', request: { channel: 'email', to: 'bob@example.com', text: 'running late' }, viaContact: true });
  });

  it('cancel ends the half-finished request', async () => {
    await say('text wenona');
    expect(await say('never mind')).toEqual({ kind: 'reply', text: 'Okay, cancelled.' });
    expect((await deps.conversations.get(key))?.pending).toBeNull();
    // A number now is a fresh message with no recipient context: no draft.
    const after = await say('+15551234567');
    expect(after.kind).toBe('reply');
  });

  it('saves a contact from chat, scoped to the conversation', async () => {
    const saved = await say('save Bob as +1 555 123 4567');
    expect(saved).toEqual({ kind: 'reply', text: 'Saved Bob: SMS +1 555 123 4567.' });
    expect(await deps.contacts.find(scope, 'bob')).toMatchObject([{ scope, name: 'Bob', channel: 'sms', address: '+15551234567' }]);
    const email = await say("save bob's email as Bob@Example.com");
    expect(email).toEqual({ kind: 'reply', text: 'Saved bob: Email bob@example.com.' });
  });

  it('refuses to save an address that is not one', async () => {
    const result = await say('save Bob as +1 555 12');
    expect(result.kind === 'reply' && result.text).toMatch(/not a valid phone number.*Nothing was saved/);
    expect(await deps.contacts.list(scope)).toEqual([]);
  });

  it('continues the waiting request once the missing contact is saved', async () => {
    await say('text bob running late');
    const result = await say('save bob as +15551234567');
    expect(result).toMatchObject({ kind: 'send', request: { to: '+15551234567', text: 'running late' }, viaContact: true });
  });

  it('forgets a half-finished request after a while', async () => {
    await say('text wenona we will be there tomorrow');
    deps.clock.advance(PENDING_TTL_MS + 1);
    expect((await say('+15551234567')).kind).toBe('reply');
  });

  it('keeps the last turns in the conversation store', async () => {
    await say('hello');
    await say('i have to send a text');
    const state = await deps.conversations.get(key);
    expect(state?.history.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(state?.pending).toEqual({ channel: 'sms' });
  });
});
