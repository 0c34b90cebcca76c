/**
 * The front-end contract is enough: a chat written in one file against it
 * (test/fakes/memory-front-end.ts), with no change anywhere in src, drafts,
 * edits with a contact's name, confirms the version it shows, and sees its
 * card follow the draft to "Sent" — through the app's one card-sync.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../fakes/harness.js';
import { MEMORY_PLATFORM, MemoryChat } from '../fakes/memory-front-end.js';
import { startFakeRelay, type FakeRelay } from '../fakes/relay-server.js';
import { createHttpRelay } from '../../src/adapters/relay/index.js';

describe('a front-end written against the contract alone', () => {
  let app: TestApp;
  let relay: FakeRelay;
  let chat: MemoryChat;

  beforeAll(async () => {
    relay = await startFakeRelay({ apiKey: 'relay-key' });
    app = await createTestApp({ relay: createHttpRelay({ baseUrl: relay.url, apiKey: 'relay-key', phoneId: '7', timeoutMs: 2000 }) });
    chat = new MemoryChat(app.bot);
    // What main.ts does for every front-end in its registry.
    app.notifier.attach(chat);
    await chat.start();
  });
  afterAll(async () => {
    await chat?.stop();
    await app?.close();
    await relay?.close();
  });

  it('drafts, edits with a contact name, confirms the version it shows, and sees the card updated to sent', async () => {
    const saved = await app.bot.contacts.save({ platform: MEMORY_PLATFORM, userId: 'ann' }, { platform: MEMORY_PLATFORM, chatId: 'room' }, 'Bob', 'sms', '+1 (555) 123-4567');
    expect(saved).toMatchObject({ ok: true, contact: { name: 'Bob', channel: 'sms', address: '+15551234567', scope: `${MEMORY_PLATFORM}:room` } });

    const reply = await chat.say({ chat: 'room', user: 'ann', text: 'text +15550001111 Lunch at noon' });
    const ref = reply.draft!.cardRef!;
    expect(chat.cards.get(ref)?.text).toContain('Draft SMS to +1 555 000 1111');
    expect(chat.cards.get(ref)?.buttons.map((b) => `${b.label} v${b.version}`)).toEqual(['Send v1', 'Edit v1', 'Cancel v1']);

    await chat.edit(ref, 'ann', { to: 'Bob' });
    const edited = await app.bot.getDraft(reply.draft!.id);
    expect(edited).toMatchObject({ to: '+15551234567', channel: 'sms', version: 2 });
    expect(chat.cards.get(ref)?.text).toContain('Draft SMS to +1 555 123 4567');
    expect(chat.cards.get(ref)?.buttons.map((b) => b.version)).toEqual([2, 2, 2]);

    await chat.press(ref, 'Send', 'ann');
    expect(chat.whispers).toEqual([]);
    expect(chat.cards.get(ref)?.text).toMatch(/Sending…/);
    expect(chat.cards.get(ref)?.buttons).toEqual([]);

    await app.drain();
    expect(chat.cards.get(ref)?.text).toContain('✅ Sent to +1 555 123 4567 by SMS');
    expect(relay.delivered.map((m) => m.body.to ?? m.body.recipient)).toEqual(['+15551234567']);

    const actions = (await app.stores.audit.list({ limit: 50 })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['contact.saved', 'draft.created', 'draft.edited', 'draft.confirmed', 'delivery.sent']));
  });

  it('a stale card decides nothing: the press is refused privately and the card is redrawn at the stored version', async () => {
    const reply = await chat.say({ chat: 'room', user: 'ann', text: 'text +15550002222 Running late' });
    const ref = reply.draft!.cardRef!;
    const staleCard = structuredClone(chat.cards.get(ref)!);
    await chat.edit(ref, 'ann', { text: 'Running very late' });
    expect(chat.cards.get(ref)?.buttons[0]?.version).toBe(2);

    // A card that still shows v1 (another device's copy, say) is pressed.
    chat.cards.set(ref, staleCard);
    await chat.press(ref, 'Send', 'ann');
    expect(chat.whispers.at(-1)?.text).toMatch(/v1/);
    expect((await app.bot.getDraft(reply.draft!.id))?.status).toBe('pending');
    expect(chat.cards.get(ref)?.text).toContain('Running very late');
  });
});
