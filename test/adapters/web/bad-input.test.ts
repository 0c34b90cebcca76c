/**
 * Client input the database cannot hold or the server cannot read: each is a
 * 4xx with a sentence naming the field, never a 500, and nothing is lost.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatBody, draftVia, postJson, readEvents, startWebFixture, type WebFixture } from './web-fixture.js';

let web: WebFixture;
beforeAll(async () => {
  web = await startWebFixture();
});
afterAll(async () => {
  await web?.close();
});

interface ErrorBody {
  error: string;
  code: string;
}

/** A raw request, so the path and body go out byte for byte (fetch would re-encode them). */
function raw(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const url = new URL(web.base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (data += chunk));
      res.on('end', () => {
        let json: unknown = null;
        try {
          json = JSON.parse(data);
        } catch {
          json = data;
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const patchRaw = (id: string, json: string) => raw('PATCH', `/api/drafts/${id}`, json, { 'content-type': 'application/json' });

describe('bad input on the web API is a 4xx sentence, never a 500', () => {
  it('a draft id with a null byte is simply not found', async () => {
    const res = await raw('GET', '/api/drafts/abc%00def');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: 'That draft does not exist (any more).', code: 'not_found:draft' });
    for (const action of ['confirm', 'cancel']) {
      const decided = await raw('POST', `/api/drafts/abc%00def/${action}`, '{"userId": "web-user"}', { 'content-type': 'application/json' });
      expect(decided.status).toBe(404);
    }
  });

  it('malformed percent-encoding in the path is a 400 that says so', async () => {
    const res = await raw('GET', '/api/drafts/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'invalid:request' });
    expect((res.json as ErrorBody).error).toMatch(/percent-encod/);
  });

  it('a lone surrogate or a null byte in a PATCH field is refused naming the field, and the draft is unchanged', async () => {
    const id = await draftVia(web.base, 'bad-patch', 'text +15551234567 Build finished successfully.');
    for (const [json, field] of [
      ['{"userId": "web-user", "text": "Hello \\ud800 there"}', 'text'],
      ['{"userId": "web-user", "text": "Hello \\u0000 there"}', 'text'],
      ['{"userId": "web-user", "to": "+1555\\u00001234567"}', 'to'],
      ['{"userId": "web-user", "subject": "x\\udc00"}', 'subject'],
      ['{"userId": "web-user\\u0000", "text": "Hi"}', 'userId'],
    ] as const) {
      const res = await patchRaw(id, json);
      expect(res.status, json).toBe(400);
      expect((res.json as ErrorBody).error, json).toMatch(new RegExp(`^${field}: `));
      expect((res.json as ErrorBody).code).toBe('invalid:request');
    }
    const draft = (await (await fetch(`${web.base}/api/drafts/${id}`)).json()) as { draft: { text: string; status: string } };
    expect(draft.draft).toMatchObject({ text: 'Build finished successfully.', status: 'pending' });
  });

  it('a null byte or lone surrogate in chat text, chat id or userId is a 400 naming the field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [chatBody('c-null', 'text +15551234567 Lunch\u0000 at noon'), /^messages\.0\.parts\.0\.text: /],
      [chatBody('c-sur', 'text +15551234567 Lunch \ud83d at noon'), /^messages\.0\.parts\.0\.text: /],
      [chatBody('c-user', 'text +15551234567 Lunch at noon', 'bob\u0000'), /^userId: /],
      [chatBody('c\u0000id', 'text +15551234567 Lunch at noon'), /^id: /],
    ];
    for (const [body, field] of cases) {
      const res = await postJson(`${web.base}/api/chat`, body);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as ErrorBody;
      expect(answer.error).toMatch(field);
      expect(answer.error).toMatch(/null byte|surrogate/);
      expect(answer.code).toBe('invalid:request');
    }
    // The same person can go on drafting afterwards.
    const events = await readEvents(await postJson(`${web.base}/api/chat`, chatBody('c-null', 'text +15551234567 Lunch at noon')));
    expect(events.some((e) => (e as { type?: string }).type === 'data-draft')).toBe(true);
  });

  it('a null byte in an audit filter is a 400 naming it; malformed percent-encoding in the query is read as typed', async () => {
    for (const [query, field] of [['draftId=abc%00def', 'draftId'], ['actor=web:bob%00', 'actor']] as const) {
      const res = await raw('GET', `/api/audit?${query}`);
      expect(res.status, query).toBe(400);
      expect((res.json as ErrorBody).error).toMatch(new RegExp(`^${field}: contains a null byte`));
    }
    const odd = await raw('GET', '/api/audit?draftId=%E0%A4%A');
    expect(odd.status).toBe(200);
    expect(odd.json).toEqual({ entries: [] });
  });

  it('content-encoding gzip on a body that is not gzipped is a 400 sentence', async () => {
    const res = await raw('POST', '/api/chat', JSON.stringify(chatBody('gz', 'hello')), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'invalid:request' });
    expect((res.json as ErrorBody).error).toMatch(/gzip/);

    // An encoding the server does not know at all is a 415, also with a code.
    const unknown = await raw('POST', '/api/chat', JSON.stringify(chatBody('br', 'hello')), {
      'content-type': 'application/json',
      'content-encoding': 'snappy',
    });
    expect(unknown.status).toBe(415);
    expect(unknown.json).toMatchObject({ code: 'invalid:request' });
  });
});

describe('every JSON error has {error, code}', () => {
  it('404s: an unknown /api route, and an unknown draft read or decided', async () => {
    const res = await fetch(`${web.base}/api/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'There is no GET /api/nope route.', code: 'not_found:route' });
    const post = await postJson(`${web.base}/api/drafts`, {});
    expect(post.status).toBe(404);
    expect(await post.json()).toEqual({ error: 'There is no POST /api/drafts route.', code: 'not_found:route' });
    // An unknown draft, read or decided, says so with its own code.
    const missing = await fetch(`${web.base}/api/drafts/no-such-draft`);
    expect(await missing.json()).toEqual({ error: 'That draft does not exist (any more).', code: 'not_found:draft' });
    const confirm = await postJson(`${web.base}/api/drafts/no-such-draft/confirm`, { userId: 'web-user' });
    expect(confirm.status).toBe(404);
    expect(await confirm.json()).toMatchObject({ code: 'not_found:draft' });
  });
});

describe('a refused token also has a code', () => {
  it('401 names denied:token', async () => {
    const guarded = await web.serve({ apiToken: 'sekrit-token-value' });
    const res = await fetch(`${guarded}/api/drafts/x`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'denied:token' });
  });
});
