import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayBot } from '../../../src/app/relaybot.js';
import { AppError } from '../../../src/core/errors.js';
import { policySchema } from '../../../src/core/policy.js';
import { silentLogger } from '../../fakes/harness.js';
import { draftVia, postJson, startWebFixture, type WebFixture } from './web-fixture.js';

let web: WebFixture;
beforeAll(async () => {
  web = await startWebFixture();
});
afterAll(async () => {
  await web?.close();
});

interface DraftBody {
  draft: {
    id: string;
    status: string;
    channel: string;
    to: string;
    text: string;
    subject: string | null;
    dryRun: boolean;
    requester: { userId: string };
    decidedBy: { userId: string } | null;
    card: { headline: string; buttons: { label: string }[] };
  };
}
interface ErrorBody {
  error: string;
  code?: string;
}
interface AuditBody {
  entries: { seq: number; action: string; draftId: string | null; actor: { userId: string } | null; details: Record<string, unknown> }[];
}

const getDraft = async (id: string) => fetch(`${web.base}/api/drafts/${id}`);
const patch = (id: string, body: unknown) =>
  fetch(`${web.base}/api/drafts/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const audit = async (query: string) => ((await (await fetch(`${web.base}/api/audit?${query}`)).json()) as AuditBody).entries;

describe('drafts over HTTP', () => {
  it('GET shows the draft with its card; an unknown id is a 404 sentence', async () => {
    const id = await draftVia(web.base, 'd-get', 'text +15551234567 Build finished successfully.');
    const res = await getDraft(id);
    expect(res.status).toBe(200);
    const { draft } = (await res.json()) as DraftBody;
    expect(draft).toMatchObject({ id, status: 'pending', channel: 'sms', to: '+15551234567', requester: { userId: 'web-user' }, decidedBy: null });
    expect(draft.card.headline).toBe('Draft SMS to +1 555 123 4567');
    expect(draft.card.buttons.map((b) => b.label)).toEqual(['Send', 'Edit', 'Cancel']);

    const missing = await getDraft('no-such-draft');
    expect(missing.status).toBe(404);
    expect((await missing.json()) as ErrorBody).toEqual({ error: 'That draft does not exist (any more).', code: 'not_found:draft' });
  });

  it('confirm answers 202, delivery happens in the background, and a second confirm sends nothing more', async () => {
    const id = await draftVia(web.base, 'd-confirm', 'text +15551234567 Build finished successfully.');
    const confirmed = await postJson(`${web.base}/api/drafts/${id}/confirm`, { userId: 'web-user' });
    expect(confirmed.status).toBe(202);
    expect(((await confirmed.json()) as DraftBody).draft.status).toBe('confirmed');

    expect(await web.app.drain()).toBe(1);
    const { draft } = (await (await getDraft(id)).json()) as DraftBody;
    expect(draft).toMatchObject({ status: 'sent', dryRun: true, decidedBy: { userId: 'web-user' } });
    expect(draft.card.headline).toMatch(/Sent to \+1 555 123 4567 by SMS \(dry run\)/);
    expect(draft.card.buttons).toEqual([]);

    const again = await postJson(`${web.base}/api/drafts/${id}/confirm`, { userId: 'web-user' });
    expect(again.status).toBe(409);
    const body = (await again.json()) as ErrorBody;
    expect(body.code).toBe('conflict:draft');
    expect(body.error).toMatch(/already approved.*sent only once/);
    expect(await web.app.drain()).toBe(0);
    expect((await audit(`draftId=${id}`)).filter((e) => e.action === 'delivery.sent')).toHaveLength(1);
  });

  it("refuses a stranger's confirm with 403 and audits the refusal", async () => {
    const id = await draftVia(web.base, 'd-stranger', 'text +15551234567 only mine', 'alice');
    const res = await postJson(`${web.base}/api/drafts/${id}/confirm`, { userId: 'mallory' });
    expect(res.status).toBe(403);
    expect((await res.json()) as ErrorBody).toEqual({ error: 'Only alice, who asked for this message, can confirm it.', code: 'denied:decider' });
    expect(((await (await getDraft(id)).json()) as DraftBody).draft.status).toBe('pending');
    const refused = (await audit(`draftId=${id}`)).find((e) => e.action === 'decision.refused');
    expect(refused).toMatchObject({ actor: { userId: 'mallory' }, details: { attempted: 'confirm' } });
  });

  it('PATCH re-validates the edit: a bad number is a 422 sentence, a good edit is audited with before and after', async () => {
    const id = await draftVia(web.base, 'd-edit', 'text +15551234567 first words');
    const bad = await patch(id, { userId: 'web-user', to: '12' });
    expect(bad.status).toBe(422);
    expect((await bad.json()) as ErrorBody).toEqual({
      error: '"12" is not a valid phone number. Write it with the country code, like +15551234567.',
      code: 'invalid:recipient',
    });

    const good = await patch(id, { userId: 'web-user', to: '+15557654321', text: 'better words' });
    expect(good.status).toBe(200);
    expect(((await good.json()) as DraftBody).draft).toMatchObject({ status: 'pending', to: '+15557654321', text: 'better words' });
    const edited = (await audit(`draftId=${id}`)).find((e) => e.action === 'draft.edited');
    expect(edited?.details).toMatchObject({
      before: { to: '+15551234567', text: 'first words' },
      after: { to: '+15557654321', text: 'better words' },
    });
  });

  it('PATCH {to: "Bob"} resolves the contact exactly as a Telegram edit reply does: its address, on its channel', async () => {
    const saved = await web.bot.contacts.save({ platform: 'web', userId: 'web-user' }, { platform: 'web', chatId: 'd-bob' }, 'Bob', 'email', 'bob@example.com');
    expect(saved.ok).toBe(true);
    const id = await draftVia(web.base, 'd-bob', 'text +15551234567 Build finished successfully.');
    const res = await patch(id, { userId: 'web-user', version: 1, to: 'Bob' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as DraftBody).draft).toMatchObject({ channel: 'email', to: 'bob@example.com' });
    const [edited] = await audit(`draftId=${id}`);
    expect(edited).toMatchObject({ action: 'draft.edited', details: { after: { channel: 'email', to: 'bob@example.com' } } });
    const [contactSaved] = (await audit('actor=web:web-user&limit=1000')).filter((e) => e.action === 'contact.saved');
    expect(contactSaved?.details).toMatchObject({ scope: 'web', name: 'Bob', channel: 'email', address: 'bob@example.com' });
  });

  it('PATCH with nothing to change, or a field of the wrong type, is a 400 naming the field', async () => {
    const id = await draftVia(web.base, 'd-edit-empty', 'text +15551234567 unchanged');
    const empty = await patch(id, { userId: 'web-user' });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as ErrorBody).error).toMatch(/say what to change/);
    const wrong = await patch(id, { userId: 'web-user', channel: 'pigeon' });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as ErrorBody).error).toMatch(/^channel:/);
  });

  it('cancel is final: the card says so and a later confirm is a 409', async () => {
    const id = await draftVia(web.base, 'd-cancel', 'text +15551234567 never mind');
    const res = await postJson(`${web.base}/api/drafts/${id}/cancel`, { userId: 'web-user' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as DraftBody).draft.card.headline).toBe('Cancelled — nothing was sent');
    const late = await postJson(`${web.base}/api/drafts/${id}/confirm`, { userId: 'web-user' });
    expect(late.status).toBe(409);
    expect(((await late.json()) as ErrorBody).error).toMatch(/already cancelled/);
  });
});

describe('rate limits over HTTP', () => {
  it('answers a confirm over the limit with 429, the sentence, and Retry-After in seconds', async () => {
    // The same stores behind a bot whose policy allows one message per sender an hour.
    const bot = new RelayBot({
      stores: web.app.stores, interpreter: web.app.interpreter, clock: web.app.clock, logger: silentLogger,
      policy: policySchema.parse({ rateLimits: { perSenderPerHour: 1 } }), defaultRegion: 'US',
    });
    const base = await web.serve({ bot });
    const first = await draftVia(base, 'd-limit', 'text +15551234567 first of two', 'limited');
    const second = await draftVia(base, 'd-limit', 'text +15551234567 second of two', 'limited');
    expect((await postJson(`${base}/api/drafts/${first}/confirm`, { userId: 'limited' })).status).toBe(202);

    const refused = await postJson(`${base}/api/drafts/${second}/confirm`, { userId: 'limited' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('3600');
    expect((await refused.json()) as ErrorBody).toEqual({
      error: 'You have sent 1 messages in the last hour (limit 1); try again within the hour.',
      code: 'denied:rate_limit',
    });
    expect(((await (await getDraft(second)).json()) as DraftBody).draft.status).toBe('pending');
  });

  it('rounds a Retry-After of part of a second up, and adds none to other refusals', async () => {
    const base = await web.serve({
      mount: (app) => {
        app.get('/limited', () => {
          throw new AppError('denied:rate_limit', 'Slow down a little.', { retryAfterMs: 1500 });
        });
      },
    });
    const res = await fetch(`${base}/limited`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(((await res.json()) as ErrorBody).error).toBe('Slow down a little.');

    const missing = await getDraft('no-such-draft-either');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('retry-after')).toBeNull();
  });
});

describe('GET /api/audit', () => {
  it('lists a draft’s steps, newest first: drafted → confirmed → claimed → sent', async () => {
    const id = await draftVia(web.base, 'd-audit', 'text +15551234567 audit me', 'auditor');
    await postJson(`${web.base}/api/drafts/${id}/confirm`, { userId: 'auditor' });
    await web.app.drain();
    const entries = await audit(`draftId=${id}`);
    expect(entries.map((e) => e.action).reverse()).toEqual(['draft.created', 'draft.confirmed', 'delivery.claimed', 'delivery.sent']);
    expect(entries[0]!.seq).toBeGreaterThan(entries[3]!.seq);
    expect(entries[3]!.actor).toMatchObject({ userId: 'auditor' });
  });

  it('filters by actor, time and limit', async () => {
    await draftVia(web.base, 'd-audit-2', 'text +15551234567 one for bob', 'bob');
    const bobs = await audit('actor=web:bob');
    expect(bobs.length).toBeGreaterThan(0);
    expect(bobs.every((e) => e.actor?.userId === 'bob')).toBe(true);
    expect(await audit('limit=1')).toHaveLength(1);
    expect(await audit(`since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
  });

  it('explains a bad filter with a 400', async () => {
    for (const [query, reason] of [
      ['limit=0', /^limit: must be at least 1/],
      ['limit=lots', /^limit: must be a number/],
      ['since=yesterday-ish', /^since: must be a date/],
      ['actor=bob', /^actor: must be "platform:userId"/],
    ] as const) {
      const res = await fetch(`${web.base}/api/audit?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as ErrorBody).error).toMatch(reason);
    }
  });
});
