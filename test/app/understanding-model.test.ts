import { describe, expect, it } from 'vitest';
import { understand, type UnderstandDeps } from '../../src/app/understanding.js';
import type { Interpretation, InterpretContext } from '../../src/core/interpretation.js';
import type { Interpreter } from '../../src/core/ports.js';
import { ManualClock, MemoryContactBook, MemoryConversationStore } from '../fakes/memory-stores.js';

/** Stands in for the model: answers from a script and records what context it was given. */
function scripted(answers: Interpretation[]): Interpreter & { contexts: InterpretContext[] } {
  const contexts: InterpretContext[] = [];
  return {
    name: 'scripted',
    contexts,
    interpret(_text, context) {
      contexts.push(structuredClone(context));
      const next = answers.shift();
      if (!next) throw new Error('no scripted answer left');
      return Promise.resolve(next);
    },
  };
}

function setup(answers: Interpretation[]) {
  const interpreter = scripted(answers);
  const deps: UnderstandDeps = {
    interpreter,
    contacts: new MemoryContactBook(),
    conversations: new MemoryConversationStore(),
    clock: new ManualClock(),
    defaultRegion: 'US',
  };
  const say = (text: string) => understand(deps, { conversationKey: 'web:c1:-:u1', contactScope: 'web', text });
  return { deps, interpreter, say };
}

describe('understand with a model-style interpreter', () => {
  it('resolves a contact name the model put where the address goes', async () => {
    const { deps, say } = setup([{ kind: 'send', request: { channel: 'email', to: 'Bob', text: 'hi', subject: 'Hello' } }]);
    await deps.contacts.save('global', 'bob', 'email', 'bob@example.com', new Date());
    expect(await say('email bob hi')).toEqual({
      kind: 'send',
      request: { channel: 'email', to: 'bob@example.com', text: 'hi', subject: 'Hello' },
      viaContact: true,
    });
  });

  it('treats a name in a question’s "to" as a name', async () => {
    const { deps, say } = setup([{ kind: 'question', text: 'What should it say?', partial: { channel: 'sms', to: 'Ann' } }]);
    await deps.contacts.save('web', 'Ann', 'sms', '+15551234567', new Date());
    const result = await say('text ann');
    expect(result.kind === 'reply' && result.text).toMatch(/say\?.*\+1 555 123 4567/);
    expect((await deps.conversations.get('web:c1:-:u1'))?.pending).toEqual({ channel: 'sms', to: '+15551234567', toName: 'Ann' });
  });

  it('never sends to a name it cannot resolve', async () => {
    const { say } = setup([{ kind: 'send', request: { channel: 'sms', to: 'Zed', text: 'hi', subject: null } }]);
    const result = await say('text zed hi');
    expect(result.kind).toBe('reply');
    expect(result.kind === 'reply' && result.text).toMatch(/Who is Zed\?/);
  });

  it('gives the interpreter the history, the pending request and the contact names', async () => {
    const { deps, interpreter, say } = setup([
      { kind: 'question', text: 'What should the text to Ann say?', partial: { channel: 'sms', toName: 'Ann' } },
      { kind: 'send', request: { channel: 'sms', to: '+15551234567', text: 'on my way', subject: null } },
    ]);
    await deps.contacts.save('web', 'Ann', 'sms', '+15551234567', new Date());
    const first = await say('text ann');
    expect(first.kind === 'reply' && first.text).toMatch(/say\?/);
    expect(await say('on my way')).toMatchObject({ kind: 'send', viaContact: true });
    const second = interpreter.contexts[1];
    expect(second?.contactNames).toEqual(['Ann']);
    expect(second?.pending).toEqual({ channel: 'sms', to: '+15551234567', toName: 'Ann' });
    expect(second?.history.map((t) => t.text)).toEqual(['text ann', expect.stringMatching(/say\?/)]);
  });

  it('keeps the model’s own wording when it asks about a name nobody saved', async () => {
    const { say } = setup([{ kind: 'question', text: 'Who is Priya? Send me her number.', partial: { channel: 'wa', toName: 'Priya', text: 'hello' } }]);
    expect(await say('whatsapp priya hello')).toEqual({ kind: 'reply', text: 'Who is Priya? Send me her number.' });
  });

  it('cancel clears the pending request without asking the model', async () => {
    const { deps, say } = setup([{ kind: 'question', text: 'Who should I text?', partial: { channel: 'sms' } }]);
    await say('send a text');
    expect(await say('cancel')).toEqual({ kind: 'reply', text: 'Okay, cancelled.' });
    expect((await deps.conversations.get('web:c1:-:u1'))?.pending).toBeNull();
  });
});
