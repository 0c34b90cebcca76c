/** The web API's share of scheduling and opt-outs: sendAt in data-draft parts and PATCH, and /api/optouts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatBody, draftVia, postJson, readEvents, startWebFixture, type WebFixture } from './web-fixture.js';

let web: WebFixture;
beforeAll(async () => {
  web = await startWebFixture();
});
afterAll(async () => {
  await web?.close();
});

const send = (method: string, path: string, body?: unknown) =>
  fetch(`${web.base}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });

describe('scheduled drafts over the web API', () => {
  it('streams sendAt in the data-draft part, and PATCH changes it as a new version', async () => {
    const before = Date.now();
    const events = await readEvents(await postJson(`${web.base}/api/chat`, chatBody('web-sched', 'text +15551234567 in 20 minutes that standup moved', 'ann')));
    const part = events.find((e) => (e as { type?: string }).type === 'data-draft') as { data: { id: string; text: string; sendAt: string; version: number } };
    expect(part.data.text).toBe('standup moved');
    const sendAt = Date.parse(part.data.sendAt);
    expect(sendAt - before).toBeGreaterThanOrEqual(20 * 60_000 - 1000);
    expect(sendAt - before).toBeLessThanOrEqual(20 * 60_000 + 60_000);
    // The tool call an AI SDK client approves carries the time too: it is part of what is approved.
    const tool = events.find((e) => (e as { type?: string }).type === 'tool-input-available') as { input: { sendAt?: string } };
    expect(tool.input.sendAt).toBe(part.data.sendAt);

    const later = new Date(Date.now() + 3_600_000);
    const moved = await send('PATCH', `/api/drafts/${part.data.id}`, { userId: 'ann', version: 1, sendAt: later.toISOString() });
    expect(moved.status).toBe(200);
    const body = (await moved.json()) as { draft: { version: number; sendAt: string; card: { fields: { label: string; value: string }[] } } };
    expect(body.draft.version).toBe(2);
    expect(body.draft.sendAt).toBe(later.toISOString());
    expect(body.draft.card.fields.find((f) => f.label === 'Sends')?.value).toMatch(/^\w{3} \d\d:\d\d UTC$/);

    const now = await send('PATCH', `/api/drafts/${part.data.id}`, { userId: 'ann', version: 2, sendAt: null });
    expect(((await now.json()) as { draft: { sendAt?: string; version: number } }).draft).toMatchObject({ version: 3 });

    const bad = await send('PATCH', `/api/drafts/${part.data.id}`, { userId: 'ann', version: 3, sendAt: 'tomorrow' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/sendAt/);
    const past = await send('PATCH', `/api/drafts/${part.data.id}`, { userId: 'ann', version: 3, sendAt: new Date(Date.now() - 60_000).toISOString() });
    expect(past.status).toBe(422);
    expect(await past.json()).toMatchObject({ code: 'invalid:send_at', error: expect.stringMatching(/has already passed/) });
  });
});

describe('/api/optouts', () => {
  it('adds (normalised like a recipient), lists, refuses drafts to it, removes, and audits each change', async () => {
    const added = await postJson(`${web.base}/api/optouts`, { userId: 'ops', address: '(555) 222-0001' });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ address: '+15552220001', changed: true });
    const again = await postJson(`${web.base}/api/optouts`, { userId: 'ops', address: '+1 555 222 0001' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ changed: false });

    const list = (await (await fetch(`${web.base}/api/optouts?userId=ops`)).json()) as { optOuts: { address: string }[] };
    expect(list.optOuts.map((o) => o.address)).toContain('+15552220001');

    const events = await readEvents(await postJson(`${web.base}/api/chat`, chatBody('web-optout', 'text +15552220001 that hello', 'ann')));
    expect(events.some((e) => (e as { type?: string }).type === 'data-draft')).toBe(false);
    expect(JSON.stringify(events)).toContain('+15552220001 has opted out of messages from relaybot');

    const removed = await send('DELETE', '/api/optouts', { userId: 'ops', address: '+15552220001' });
    expect(await removed.json()).toMatchObject({ address: '+15552220001', changed: true });
    await draftVia(web.base, 'web-optout-2', 'text +15552220001 that hello again', 'ann');

    const audit = await web.app.stores.audit.list({ actor: 'web:ops' });
    expect(audit.map((e) => e.action).sort()).toEqual(['optout.added', 'optout.removed']);
    expect(audit[0]!.details).toEqual({ address: '+15552220001' });
  });

  it('refuses bad input with a sentence naming the field', async () => {
    const missing = await postJson(`${web.base}/api/optouts`, { address: '+15551234567' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toMatch(/userId/);
    const nonsense = await postJson(`${web.base}/api/optouts`, { userId: 'ops', address: 'not an address' });
    expect(nonsense.status).toBe(422);
    expect(await nonsense.json()).toMatchObject({ code: 'invalid:address', error: expect.stringMatching(/^address: /) });
    const noUser = await fetch(`${web.base}/api/optouts`);
    expect(noUser.status).toBe(400);
  });

  it('in four-eyes mode only an approver may change the list', async () => {
    const strict = await startWebFixture({ policy: { approval: { mode: 'four-eyes', approvers: ['web:boss'] } } });
    try {
      const refused = await postJson(`${strict.base}/api/optouts`, { userId: 'ann', address: '+15551234567' });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: string }).error).toBe('Only an approver (web:boss) can change the opt-out list.');
      expect((await postJson(`${strict.base}/api/optouts`, { userId: 'boss', address: '+15551234567' })).status).toBe(201);
    } finally {
      await strict.close();
    }
  });
});
