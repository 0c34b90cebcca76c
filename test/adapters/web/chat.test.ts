import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { createHealth, createWebApp, listen } from '../../../src/adapters/web/server.js';
import { createPrometheusMetrics } from '../../../src/adapters/metrics/prometheus.js';
import type { RelayBot } from '../../../src/app/relaybot.js';
import { chatBody, draftVia, postJson, readEvents, startWebFixture, type WebFixture } from './web-fixture.js';

let web: WebFixture;
beforeAll(async () => {
  web = await startWebFixture();
});
afterAll(async () => {
  await web?.close();
});

type Part = { type: string; [key: string]: unknown };

describe('POST /api/chat', () => {
  it('streams the answer and the draft in the AI SDK UI-message-stream protocol', async () => {
    const res = await postJson(`${web.base}/api/chat`, chatBody('chat-sse', 'text +15551234567 Build finished successfully.'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-accel-buffering')).toBe('no');

    const events = await readEvents(res);
    const parts = events.filter((e): e is Part => typeof e === 'object');
    expect(parts.map((p) => p.type)).toEqual(['start', 'text-start', 'text-delta', 'text-end', 'data-draft', 'tool-input-available', 'tool-approval-request', 'finish']);
    expect(events.at(-1)).toBe('[DONE]');
    expect(typeof parts[0]!.messageId).toBe('string');

    const [, start, delta, end] = parts;
    expect(delta!.id).toBe(start!.id);
    expect(end!.id).toBe(start!.id);
    expect(delta!.delta).toMatch(/draft/i);

    const draft = parts[4]!;
    expect(draft.data).toMatchObject({
      id: draft.id,
      version: 1,
      status: 'pending',
      channel: 'sms',
      to: '+15551234567',
      text: 'Build finished successfully.',
      subject: null,
    });
    expect(Date.parse((draft.data as { expiresAt: string }).expiresAt)).toBeGreaterThan(Date.now());
  });

  it('answers a question that is not a send request with text and no draft', async () => {
    const res = await postJson(`${web.base}/api/chat`, chatBody('chat-weather', "what's the weather tomorrow?"));
    const events = await readEvents(res);
    const types = events.map((e) => (typeof e === 'string' ? e : (e as Part).type));
    expect(types).toEqual(['start', 'text-start', 'text-delta', 'text-end', 'finish', '[DONE]']);
    const delta = events.find((e) => (e as Part).type === 'text-delta') as Part;
    expect(String(delta.delta).length).toBeGreaterThan(10);
  });

  it('uses the last user message, as useChat sends the whole conversation', async () => {
    const body = {
      id: 'chat-history',
      messages: [
        { id: '1', role: 'user', parts: [{ type: 'text', text: "what's the weather tomorrow?" }] },
        { id: '2', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'text', text: 'I only send messages.' }] },
        { id: '3', role: 'user', parts: [{ type: 'text', text: 'text +15551234567 Deploy done.' }] },
      ],
      trigger: 'submit-message',
    };
    const events = await readEvents(await postJson(`${web.base}/api/chat`, body));
    const draft = events.find((e) => (e as Part).type === 'data-draft') as Part;
    expect(draft.data).toMatchObject({ channel: 'sms', text: 'Deploy done.' });
  });

  it('names the user from userId, defaulting to web-user', async () => {
    const mine = await draftVia(web.base, 'chat-user-a', 'text +15551234567 hello from alice', 'alice');
    const theirs = await draftVia(web.base, 'chat-user-b', 'text +15551234567 hello from nobody in particular');
    expect((await web.bot.getDraft(mine))!.requester).toMatchObject({ platform: 'web', userId: 'alice' });
    expect((await web.bot.getDraft(theirs))!.requester).toMatchObject({ platform: 'web', userId: 'web-user' });
  });

  it('refuses malformed JSON with a 400 that says why, in JSON', async () => {
    const res = await fetch(`${web.base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id": "x", messages' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as { error: string };
    expect(body.error).toMatch(/not valid JSON/);
  });

  it.each([
    ['empty messages', { id: 'c', messages: [] }, /messages: at least one message/],
    ['no messages', { id: 'c' }, /^messages:/],
    ['no chat id', { messages: chatBody('c', 'hi').messages }, /^id:/],
    ['a message without a role', { id: 'c', messages: [{ id: '1', parts: [{ type: 'text', text: 'hi' }] }] }, /^messages\.0\.role:/],
    ['no user text', { id: 'c', messages: [{ id: '1', role: 'user', parts: [{ type: 'text', text: '   ' }] }] }, /no text/],
    ['only an assistant message', { id: 'c', messages: [{ id: '1', role: 'assistant', parts: [{ type: 'text', text: 'hi' }] }] }, /no text/],
  ])('refuses %s with a 400 naming the field', async (_name, body, reason) => {
    const res = await postJson(`${web.base}/api/chat`, body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(reason);
  });

  it('refuses a body that is not JSON at all', async () => {
    const res = await fetch(`${web.base}/api/chat`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'text mum hi' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/application\/json/);
  });

  it('refuses a body over 100 kB', async () => {
    const res = await postJson(`${web.base}/api/chat`, chatBody('c', 'x'.repeat(120_000)));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toMatch(/too large/);
  });
});

describe('failures inside and outside the stream', () => {
  const metrics = createPrometheusMetrics({ processMetrics: false });
  const logged: unknown[] = [];
  const logger = { info: () => {}, warn: () => {}, error: (obj: object) => void logged.push(obj) };
  const failingBot = {
    handleMessage: async () => {
      throw new Error('connection to database lost at /srv/relaybot/src/db.ts:42');
    },
    getDraft: async () => {
      throw new TypeError('Cannot read properties of undefined');
    },
  } as unknown as RelayBot;
  const slowBot = { handleMessage: () => new Promise(() => {}) } as unknown as RelayBot;

  async function serve(bot: RelayBot, chatTimeoutMs?: number, mount?: (app: express.Express) => void) {
    const app = createWebApp({ bot, metrics, logger, host: '127.0.0.1', clock: web.app.clock, chatTimeoutMs, mount });
    const server = await listen(app, 0, '127.0.0.1');
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    return { base, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }) };
  }

  it('turns an unexpected error in the stream into an error part with a sentence, never a stack', async () => {
    const s = await serve(failingBot);
    const events = await readEvents(await postJson(`${s.base}/api/chat`, chatBody('c', 'text +15551234567 hi')));
    const error = events.find((e) => (e as Part).type === 'error') as Part;
    expect(error.errorText).toMatch(/nothing was sent/);
    expect(JSON.stringify(events)).not.toMatch(/db\.ts|database lost/);
    expect(events.at(-1)).toBe('[DONE]');
    expect(logged.length).toBeGreaterThan(0);
    await s.close();
  });

  it('stops a chat request that takes longer than the limit', async () => {
    const s = await serve(slowBot, 50);
    const events = await readEvents(await postJson(`${s.base}/api/chat`, chatBody('c', 'text +15551234567 hi')));
    expect(events.find((e) => (e as Part).type === 'error')).toMatchObject({ errorText: expect.stringMatching(/too long.*nothing was sent/) });
    expect(events.at(-1)).toBe('[DONE]');
    await s.close();
  });

  it('answers other unexpected errors, including in mounted routes, with one JSON sentence', async () => {
    const s = await serve(failingBot, undefined, (app) => {
      app.post('/slack/events', () => {
        throw new Error('secret internals');
      });
    });
    for (const res of [await fetch(`${s.base}/api/drafts/x`), await fetch(`${s.base}/slack/events`, { method: 'POST' })]) {
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: 'Something went wrong on our side; nothing was sent.', code: 'internal' });
      expect(text).not.toMatch(/TypeError|secret|at /);
    }
    await s.close();
  });

  it('shows no stack even for a route added after the app was built', async () => {
    const app = createWebApp({ bot: failingBot, metrics, logger, host: '127.0.0.1', clock: web.app.clock });
    app.post('/late', () => {
      throw new Error('secret internals');
    });
    const server = await listen(app, 0, '127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/late`, { method: 'POST' });
    expect(res.status).toBe(500);
    expect(await res.text()).not.toMatch(/secret|at .*\.ts/);
    server.closeAllConnections();
    server.close();
  });
});

describe('WEB_API_TOKEN', () => {
  it('guards /api/* with a bearer token when one is configured', async () => {
    const base = await web.serve({ apiToken: 's3cret-token' });
    const noToken = await postJson(`${base}/api/chat`, chatBody('chat-token', 'text +15551234567 hi'));
    expect(noToken.status).toBe(401);
    expect(((await noToken.json()) as { error: string }).error).toMatch(/needs a token/);
    const wrong = await fetch(`${base}/api/audit`, { headers: { authorization: 'Bearer s3cret-tokeN' } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${base}/api/audit`, { headers: { authorization: 'Bearer s3cret-token' } });
    expect(right.status).toBe(200);
    // Liveness and the console page stay reachable for probes and browsers.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('refuses to build an open API on a non-loopback host', () => {
    expect(() => createWebApp({ bot: web.bot, metrics: web.metrics, logger: console, host: '0.0.0.0', clock: web.app.clock })).toThrow(
      /WEB_API_TOKEN/,
    );
  });
});

describe('health, metrics and the console page', () => {
  it('GET /healthz answers ok', async () => {
    const res = await fetch(`${web.base}/healthz`);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('GET /healthz answers 503 once shutdown has begun, while the API still serves requests', async () => {
    const health = createHealth();
    const base = await web.serve({ health });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    health.markShuttingDown();
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false, status: 'shutting down' });
    // Only the probe changes: a request that still arrives is answered as usual.
    expect((await fetch(`${base}/api/audit?limit=1`)).status).toBe(200);
    // Another app on the same runtime has its own health.
    expect((await fetch(`${web.base}/healthz`)).status).toBe(200);
  });

  it('GET /metrics shows relaybot counters and request timings in Prometheus text', async () => {
    const id = await draftVia(web.base, 'chat-metrics', 'text +15551234567 metrics please');
    await postJson(`${web.base}/api/drafts/${id}/cancel`, { userId: 'web-user' });
    const res = await fetch(`${web.base}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^relaybot_drafts_created_total\{channel="sms"\} [1-9]/m);
    expect(text).toMatch(/^relaybot_decisions_total\{action="cancel",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^relaybot_interpret_seconds_count\{interpreter="[^"]+"\} [1-9]/m);
    expect(text).toMatch(/relaybot_http_request_duration_seconds_count\{method="POST",route="\/api\/chat",status="200"\} [1-9]/);
    expect(text).toMatch(/route="\/api\/drafts\/:id\/cancel"/);
  });

  it('serves the web console at / with a strict content security policy', async () => {
    const res = await fetch(`${web.base}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/relaybot/);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  });

  it('answers unknown /api routes with JSON 404', async () => {
    const res = await fetch(`${web.base}/api/nope`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toMatch(/no GET \/api\/nope/);
  });
});
