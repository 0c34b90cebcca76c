import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpRelay } from '../../src/adapters/relay/index.js';
import { AppError } from '../../src/core/errors.js';
import type { Actor, ConversationRef } from '../../src/core/send-request.js';
import { testDatabaseTargets } from '../fakes/database.js';
import { createTestApp, type TestApp } from '../fakes/harness.js';
import { startFakeRelay, type FakeRelay } from '../fakes/relay-server.js';

const conversation: ConversationRef = { platform: 'web', chatId: 'chat-1' };
let n = 0;
/** A fresh requester per test: the database is shared within the file. */
const person = (): Actor => ({ platform: 'web', userId: `user-${++n}`, name: `User ${n}` });

describe.each(testDatabaseTargets())('RelayBot end to end on $name', (target) => {
  let app: TestApp;
  let relay: FakeRelay;

  beforeAll(async () => {
    relay = await startFakeRelay({ apiKey: 'relay-key' });
    app = await createTestApp({
      database: await target.open(),
      relay: createHttpRelay({ baseUrl: relay.url, apiKey: 'relay-key', phoneId: '7', timeoutMs: 2000 }),
      maxAttempts: 4,
    });
  });
  afterAll(async () => {
    await app?.close();
    await relay?.close();
  });
  beforeEach(() => relay.reset());

  const draftFor = async (actor: Actor, text = 'text +15551234567 Build finished successfully.') => {
    const reply = await app.bot.handleMessage({ actor, conversation, text });
    expect(reply.draft, reply.text).not.toBeNull();
    return reply.draft!;
  };

  it('drafts an SMS from plain words, pending until someone presses Send', async () => {
    const alice = person();
    const draft = await draftFor(alice);
    expect(draft).toMatchObject({ status: 'pending', channel: 'sms', to: '+15551234567', text: 'Build finished successfully.' });
    expect(relay.requests).toHaveLength(0);
  });

  it('answers a question that is not a send request without drafting', async () => {
    const reply = await app.bot.handleMessage({ actor: person(), conversation, text: "what's the weather tomorrow?" });
    expect(reply.draft).toBeNull();
    expect(reply.text.length).toBeGreaterThan(10);
  });

  it('sends after 503, 503, 200: one message, three attempts, one idempotency key, each attempt audited', async () => {
    relay.script(503, { status: 503, headers: { 'retry-after': '0' } }, 200);
    const alice = person();
    const draft = await draftFor(alice);
    await app.bot.confirm(draft.id, alice);
    await app.drain();

    expect(relay.requests).toHaveLength(3);
    expect(new Set(relay.requests.map((r) => r.body.idempotency_key))).toEqual(new Set([draft.idempotencyKey]));
    expect(relay.requests[0]!.body).toEqual({
      phone_id: 7, channel: 'sms', to: '+15551234567', text: 'Build finished successfully.', source: 'relaybot', idempotency_key: draft.idempotencyKey,
    });
    expect(relay.requests[0]!.headers.authorization).toBe('Bearer relay-key');
    expect(relay.delivered).toHaveLength(1);
    expect((await app.bot.getDraft(draft.id))!.status).toBe('sent');

    const actions = (await app.stores.audit.list({ draftId: draft.id })).map((e) => e.action).reverse();
    expect(actions).toEqual([
      'draft.created', 'draft.confirmed',
      'delivery.claimed', 'delivery.retry',
      'delivery.claimed', 'delivery.retry',
      'delivery.claimed', 'delivery.sent',
    ]);
  });

  it('fails after one attempt on 400 and says why', async () => {
    relay.script({ status: 400, body: { error: 'Unknown recipient' } });
    const alice = person();
    const draft = await draftFor(alice);
    await app.bot.confirm(draft.id, alice);
    await app.drain();

    expect(relay.requests).toHaveLength(1);
    const failed = (await app.bot.getDraft(draft.id))!;
    expect(failed.status).toBe('failed');
    expect(failed.failureReason).toContain('Unknown recipient');
  });

  it('lets exactly one of two simultaneous confirms win, and a later one changes nothing', async () => {
    const alice = person();
    const draft = await draftFor(alice);
    const results = await Promise.allSettled([app.bot.confirm(draft.id, alice), app.bot.confirm(draft.id, alice)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    await app.drain();
    await expect(app.bot.confirm(draft.id, alice)).rejects.toMatchObject({ code: 'conflict:draft' });
    await app.drain();
    expect(relay.requests).toHaveLength(1);
  });

  it('refuses a stranger, audits the refusal and sends nothing', async () => {
    const alice = person();
    const mallory = person();
    const draft = await draftFor(alice);
    const error = await app.bot.confirm(draft.id, mallory).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toBe(`Only ${alice.name}, who asked for this message, can confirm it.`);
    await app.drain();
    expect(relay.requests).toHaveLength(0);
    const refused = await app.stores.audit.list({ draftId: draft.id, actor: `web:${mallory.userId}` });
    expect(refused.map((e) => e.action)).toEqual(['decision.refused']);
  });

  it('re-checks an edit and keeps before and after in the audit', async () => {
    const alice = person();
    const draft = await draftFor(alice);
    await expect(app.bot.edit(draft.id, alice, { to: '12' })).rejects.toThrow('"12" is not a valid phone number');
    const edited = await app.bot.edit(draft.id, alice, { text: 'Build finished — all green.' });
    expect(edited.text).toBe('Build finished — all green.');
    const [entry] = await app.stores.audit.list({ draftId: draft.id, limit: 1 });
    expect(entry!.action).toBe('draft.edited');
    expect(entry!.details).toMatchObject({ before: { text: 'Build finished successfully.' }, after: { text: 'Build finished — all green.' } });
    await app.bot.confirm(draft.id, alice);
    await app.drain();
    expect(relay.requests[0]!.body.text).toBe('Build finished — all green.');
  });

  it('tells the person which address is wrong instead of drafting', async () => {
    const reply = await app.bot.handleMessage({ actor: person(), conversation, text: 'email ops@ subject Hi: there' });
    expect(reply.draft).toBeNull();
    expect(reply.text).toMatch(/ops@/);
  });

  it('keeps the audit chain verifiable', async () => {
    expect(await app.stores.audit.verify()).toMatchObject({ ok: true });
  });
});

describe('RelayBot with a contacts-only policy', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ policy: { contactsOnly: true } });
    await app.stores.contacts.save('web', 'Bob', 'sms', '+15551234567', new Date());
  });
  afterAll(() => app?.close());

  it('drafts to a saved contact, by name or typed number, and refuses anyone else', async () => {
    const actor = person();
    const byNumber = await app.bot.handleMessage({ actor, conversation, text: 'text +15551234567 lunch at noon' });
    expect(byNumber.draft?.to).toBe('+15551234567');
    const byName = await app.bot.handleMessage({ actor, conversation: { platform: 'web', chatId: 'chat-2' }, text: 'text bob lunch at noon' });
    expect(byName.draft?.to).toBe('+15551234567');
    const stranger = await app.bot.handleMessage({ actor, conversation, text: 'text +15557654321 lunch at noon' });
    expect(stranger).toMatchObject({ draft: null, refused: 'denied:recipient' });
    expect(stranger.text).toContain('not in the contact book');
  });
});

describe('RelayBot caps the drafts one person has waiting', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ policy: { rateLimits: { pendingPerSender: 3 } } });
  });
  afterAll(() => app?.close());

  it('refuses the next draft with how many are pending and how to clear them, audits it, and lets a cancel free a place', async () => {
    const actor = person();
    const ask = () => app.bot.handleMessage({ actor, conversation, text: 'text +15551234567 lunch at noon' });
    const drafts = [await ask(), await ask(), await ask()].map((r) => r.draft!);
    expect(drafts.every((d) => d?.status === 'pending')).toBe(true);

    const refused = await ask();
    expect(refused).toMatchObject({ draft: null, refused: 'denied:rate_limit' });
    expect(refused.text).toBe('You have 3 drafts waiting for a decision (limit 3). Send or cancel some of them, or wait for them to expire — the next one expires in 15 minutes.');
    const entries = await app.stores.audit.list({ actor: `web:${actor.userId}` });
    expect(entries.find((e) => e.action === 'request.refused')?.details).toMatchObject({ code: 'denied:rate_limit' });

    // Someone else is not held back by this person's drafts.
    expect((await app.bot.handleMessage({ actor: person(), conversation, text: 'text +15551234567 lunch at noon' })).draft).not.toBeNull();

    await app.bot.cancel(drafts[0]!.id, actor);
    expect((await ask()).draft?.status).toBe('pending');
  });
});
