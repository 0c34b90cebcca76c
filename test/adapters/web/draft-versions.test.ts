/**
 * What is approved is what is sent, over the web API: every decision names the
 * draft version it was made on, and a decision about a version that is no
 * longer current is refused (409), audited with both versions, and sends nothing.
 * The real web app, on a relaybot whose HTTP relay client posts to the fake relay.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpRelay } from '../../../src/adapters/relay/index.js';
import { startFakeRelay, type FakeRelay } from '../../fakes/relay-server.js';
import { draftVia, postJson, startWebFixture, type WebFixture } from './web-fixture.js';

interface DraftBody {
  draft: { id: string; version: number; status: string; to: string; text: string; card: { context: string } };
}
interface ErrorBody {
  error: string;
  code?: string;
}
interface AuditBody {
  entries: { action: string; actor: { userId: string } | null; details: Record<string, unknown> }[];
}

const STALE = 'The draft changed since you saw it — check the new version';

function useWeb(policy?: Record<string, unknown>) {
  const ctx = {} as { web: WebFixture; relay: FakeRelay };
  beforeAll(async () => {
    ctx.relay = await startFakeRelay({ apiKey: 'relay-key' });
    ctx.web = await startWebFixture({
      ...(policy ? { policy } : {}),
      relay: createHttpRelay({ baseUrl: ctx.relay.url, apiKey: 'relay-key', phoneId: '7', timeoutMs: 2000 }),
    });
  });
  afterAll(async () => {
    await ctx.web?.close();
    await ctx.relay?.close();
  });
  beforeEach(() => ctx.relay.reset());
  return ctx;
}

const patchJson = (url: string, body: unknown) =>
  fetch(url, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('four-eyes over the web API: an approver confirms exactly the version they saw', () => {
  const ctx = useWeb({ approval: { mode: 'four-eyes', approvers: ['web:boss'] } });

  it('refuses the approval of a version that was edited after the approver looked, and sends only the version approved', async () => {
    const { web, relay } = ctx;
    const url = (path = '') => `${web.base}/api/drafts/${id}${path}`;
    const id = await draftVia(web.base, 'four-eyes-wire', 'text +15551234567 Lunch at noon', 'dave');

    // boss looks at the draft: version 1, lunch.
    const seen = ((await (await fetch(url())).json()) as DraftBody).draft;
    expect(seen).toMatchObject({ version: 1, to: '+15551234567', text: 'Lunch at noon' });
    expect(seen.card.context).toMatch(/· v1$/);

    // dave changes it behind boss's back.
    const edited = await patchJson(url(), { userId: 'dave', version: 1, to: '+15550001111', text: 'Wire the money now' });
    expect(edited.status).toBe(200);
    expect(((await edited.json()) as DraftBody).draft).toMatchObject({ version: 2, to: '+15550001111', text: 'Wire the money now' });

    // boss approves what they saw: refused, nothing sent.
    const stale = await postJson(url('/confirm'), { userId: 'boss', version: 1 });
    expect(stale.status).toBe(409);
    const refusal = (await stale.json()) as ErrorBody;
    expect(refusal.code).toBe('conflict:version');
    expect(refusal.error).toContain(STALE);
    expect(refusal.error).toContain('v1');
    expect(refusal.error).toContain('v2');
    expect(await web.app.drain()).toBe(0);
    expect(relay.requests).toEqual([]);
    expect(((await (await fetch(url())).json()) as DraftBody).draft.status).toBe('pending');
    const entries = ((await (await fetch(`${web.base}/api/audit?draftId=${id}`)).json()) as AuditBody).entries;
    expect(entries.find((e) => e.action === 'decision.refused')).toMatchObject({
      actor: { userId: 'boss' },
      details: { attempted: 'confirm', seenVersion: 1, currentVersion: 2 },
    });
    expect(entries.some((e) => e.action === 'draft.confirmed')).toBe(false);

    // In four-eyes mode an approver must say which version they approve.
    const unnamed = await postJson(url('/confirm'), { userId: 'boss' });
    expect(unnamed.status).toBe(400);
    const missing = (await unnamed.json()) as ErrorBody;
    expect(missing).toMatchObject({ code: 'invalid:request' });
    expect(missing.error).toMatch(/^version:/);
    expect(await web.app.drain()).toBe(0);
    expect(relay.requests).toEqual([]);

    // boss looks again and approves version 2: exactly that is relayed, once.
    const approved = await postJson(url('/confirm'), { userId: 'boss', version: 2 });
    expect(approved.status).toBe(202);
    await web.app.drain();
    expect(relay.requests).toHaveLength(1);
    expect(relay.requests[0]!.body).toMatchObject({ channel: 'sms', to: '+15550001111', text: 'Wire the money now' });
    const again = await postJson(url('/confirm'), { userId: 'boss', version: 2 });
    expect(again.status).toBe(409);
    expect(((await again.json()) as ErrorBody).code).toBe('conflict:draft');
    await web.app.drain();
    expect(relay.requests).toHaveLength(1);
  });

  it('refuses a cancel or an edit made on a version that is gone', async () => {
    const { web } = ctx;
    const id = await draftVia(web.base, 'four-eyes-stale-edit', 'text +15551234567 Standup moved to 10', 'dave');
    const url = (path = '') => `${web.base}/api/drafts/${id}${path}`;
    expect((await patchJson(url(), { userId: 'dave', version: 1, text: 'Standup moved to 11' })).status).toBe(200);

    const staleEdit = await patchJson(url(), { userId: 'dave', version: 1, text: 'Standup cancelled' });
    expect(staleEdit.status).toBe(409);
    expect(((await staleEdit.json()) as ErrorBody).error).toContain(STALE);
    const staleCancel = await postJson(url('/cancel'), { userId: 'boss', version: 1 });
    expect(staleCancel.status).toBe(409);
    expect(((await staleCancel.json()) as ErrorBody).code).toBe('conflict:version');
    expect(((await (await fetch(url())).json()) as DraftBody).draft).toMatchObject({ status: 'pending', version: 2, text: 'Standup moved to 11' });
  });
});

describe('requester mode over the web API', () => {
  const ctx = useWeb();

  it('treats a confirm without a version as the current one, and sends the current content', async () => {
    const { web, relay } = ctx;
    const id = await draftVia(web.base, 'requester-no-version', 'text +15551234567 first words', 'erin');
    const url = (path = '') => `${web.base}/api/drafts/${id}${path}`;
    const edited = await patchJson(url(), { userId: 'erin', text: 'second words' });
    expect(((await edited.json()) as DraftBody).draft.version).toBe(2);

    const confirmed = await postJson(url('/confirm'), { userId: 'erin' });
    expect(confirmed.status).toBe(202);
    await web.app.drain();
    expect(relay.requests.map((r) => r.body.text)).toEqual(['second words']);
  });

  it('still refuses a named version that is no longer current', async () => {
    const { web, relay } = ctx;
    const id = await draftVia(web.base, 'requester-stale', 'text +15551234567 first words', 'erin');
    const url = (path = '') => `${web.base}/api/drafts/${id}${path}`;
    await patchJson(url(), { userId: 'erin', version: 1, text: 'second words' });
    const stale = await postJson(url('/confirm'), { userId: 'erin', version: 1 });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as ErrorBody).error).toContain(STALE);
    await web.app.drain();
    expect(relay.requests).toEqual([]);
  });

  it('answers a confirm, cancel or edit without userId with a 400 naming userId, and decides nothing', async () => {
    const { web } = ctx;
    const id = await draftVia(web.base, 'no-user', 'text +15551234567 who are you', 'erin');
    const url = (path = '') => `${web.base}/api/drafts/${id}${path}`;
    const answers = [
      await postJson(url('/confirm'), {}),
      await postJson(url('/cancel'), { version: 1 }),
      await patchJson(url(), { text: 'changed by nobody' }),
      // No JSON body at all reads as an empty one.
      await fetch(url('/confirm'), { method: 'POST' }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.code).toBe('invalid:request');
      expect(body.error).toMatch(/^userId:/);
    }
    const blank = await postJson(url('/confirm'), { userId: '   ', version: 1 });
    expect(blank.status).toBe(400);
    expect(((await blank.json()) as ErrorBody).error).toMatch(/^userId: must not be empty/);
    const badVersion = await postJson(url('/confirm'), { userId: 'erin', version: 'latest' });
    expect(badVersion.status).toBe(400);
    expect(((await badVersion.json()) as ErrorBody).error).toMatch(/^version:/);
    expect(((await (await fetch(url())).json()) as DraftBody).draft).toMatchObject({ status: 'pending', version: 1, text: 'who are you' });
  });
});
