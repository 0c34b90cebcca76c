/**
 * The real server (`node src/start.mjs`) with tracing on, exporting to an
 * in-process OTLP/HTTP receiver: the trace of a chat request, the decision and
 * delivery attempts linked to it, the traceparent the relay receives, and what
 * spans must not hold. Once over http/json, once over http/protobuf with
 * content capture on (redacted).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../fakes/otlp-receiver.js';
import { startFakeOpenAI, toolCall, type FakeOpenAI } from '../fakes/openai-server.js';
import { startFakeRelay, type FakeRelay } from '../fakes/relay-server.js';
import { draftVia } from '../adapters/web/web-fixture.js';
import { killAllChildren, startServer, type ChildServer } from '../reliability/child-server.js';
import { until } from '../reliability/support.js';

const NUMBER = '+15557654321';
const TEXT = 'The blue heron lands at noon';
const SECRET = 'sk-abcdefghijklmnopqrstuvwx';

interface Setup {
  otlp: OtlpReceiver;
  relay: FakeRelay;
  ai: FakeOpenAI;
  server: ChildServer;
  dataDir: string;
}

async function setUp(otel: Record<string, string>, messageText: string): Promise<Setup> {
  const otlp = await startOtlpReceiver();
  const relay = await startFakeRelay({ apiKey: 'relay-key' });
  const ai = await startFakeOpenAI([toolCall('send_message', { channel: 'sms', to: NUMBER, text: messageText, subject: null })]);
  const dataDir = mkdtempSync(join(tmpdir(), 'relaybot-trace-'));
  const server = await startServer({
    RELAYBOT_DATA_DIR: dataDir,
    RELAY_BASE_URL: relay.url,
    RELAY_API_KEY: 'relay-key',
    OPENAI_API_KEY: 'test-key',
    OPENAI_BASE_URL: ai.baseURL,
    LOG_LEVEL: 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
    // Export each batch within a fifth of a second, so the test does not wait the default 5 s.
    OTEL_BSP_SCHEDULE_DELAY: '200',
    ...otel,
  });
  return { otlp, relay, ai, server, dataDir };
}

async function tearDown(s: Setup | undefined): Promise<void> {
  await killAllChildren();
  await Promise.all([s?.otlp.close(), s?.relay.close(), s?.ai.close()]);
  if (s) rmSync(s.dataDir, { recursive: true, force: true });
}

const named = (spans: ReceivedSpan[], name: string, draftId: string) =>
  spans.filter((s) => s.name === name && s.attributes['relaybot.draft.id'] === draftId);

/** Ask through /api/chat, approve on the web API, and wait until every span of the story has been exported. */
async function chatAndApprove(s: Setup, chatId: string, text: string): Promise<{ draftId: string; spans: ReceivedSpan[] }> {
  const draftId = await draftVia(s.server.url, chatId, text, 'alice');
  const confirm = await fetch(`${s.server.url}/api/drafts/${draftId}/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'alice', version: 1 }),
  });
  expect(confirm.status).toBe(202);
  const spans = await s.otlp.waitFor(
    (all) =>
      named(all, 'relaybot.delivery', draftId).some((d) => d.attributes['relaybot.delivery.outcome'] === 'sent') &&
      named(all, 'relaybot.decision', draftId).length === 1 &&
      named(all, 'relaybot.message', draftId).length === 1,
  );
  return { draftId, spans };
}

describe('tracing over http/json, content not captured', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic cGs6c2s=' }, TEXT);
    // The first attempt meets a relay hiccup, so the draft has two delivery attempts.
    s.relay.script(503);
  });
  afterAll(() => tearDown(s));

  it('exports one trace per chat request, links the decision and every delivery attempt to it, and hands the relay a traceparent', async () => {
    const { draftId, spans } = await chatAndApprove(s, 'chat-trace-1', `text ${NUMBER} ${TEXT}`);
    expect(new Set(s.otlp.contentTypes)).toEqual(new Set(['application/json']));
    expect(s.otlp.headers[0]!.authorization).toBe('Basic cGs6c2s=');

    // The request's trace: the HTTP server span, the message, understanding (with the model call), policy, the draft write.
    const [message] = named(spans, 'relaybot.message', draftId);
    const trace = spans.filter((span) => span.traceId === message!.traceId);
    expect(trace.length).toBeGreaterThanOrEqual(3);
    expect(trace.find((span) => span.kind === 2 && span.parentSpanId === '')?.attributes['http.route']).toBe('/api/chat');
    for (const name of ['relaybot.understand', 'relaybot.policy', 'relaybot.draft.write', 'chat gpt-4o-mini']) {
      expect(trace.map((span) => span.name)).toContain(name);
    }
    expect(message!.resource['service.name']).toBe('relaybot');
    expect(message!.attributes).toMatchObject({
      'session.id': 'chat-trace-1',
      'user.id': 'web:alice',
      'langfuse.session.id': 'chat-trace-1',
      'langfuse.user.id': 'web:alice',
      'relaybot.draft.id': draftId,
      'relaybot.channel': 'sms',
    });
    // The model call under the GenAI semantic conventions.
    const model = trace.find((span) => span.name === 'chat gpt-4o-mini')!;
    expect(model.kind).toBe(3);
    expect(model.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 1,
      'gen_ai.usage.output_tokens': 1,
      'gen_ai.response.finish_reasons': ['tool_calls'],
    });

    // The decision is in the click's own trace, linked to the draft's.
    const [decision] = named(spans, 'relaybot.decision', draftId);
    expect(decision!.traceId).not.toBe(message!.traceId);
    expect(decision!.attributes['relaybot.decision']).toBe('confirm');
    expect(decision!.links).toEqual([expect.objectContaining({ traceId: message!.traceId, spanId: message!.spanId })]);

    // Two attempts (503, then 200), each a trace of its own linked to the draft's.
    const deliveries = named(spans, 'relaybot.delivery', draftId).sort((a, b) => Number(a.attributes['relaybot.delivery.attempt']) - Number(b.attributes['relaybot.delivery.attempt']));
    expect(deliveries.map((d) => d.attributes['relaybot.delivery.outcome'])).toEqual(['retry', 'sent']);
    expect(deliveries[0]!.status.code).toBe(2);
    expect(deliveries[0]!.attributes['error.type']).toBe('unavailable:relay');
    for (const delivery of deliveries) {
      expect(delivery.parentSpanId).toBe('');
      expect(delivery.links).toEqual([expect.objectContaining({ traceId: message!.traceId, spanId: message!.spanId })]);
    }

    // Each relay POST carried the traceparent of its own client span, inside that attempt's trace.
    const posts = s.relay.requests.filter((r) => r.body?.idempotency_key === `relaybot-${draftId}`);
    expect(posts).toHaveLength(2);
    posts.forEach((post, i) => {
      const client = spans.find((span) => span.traceId === deliveries[i]!.traceId && span.name === 'POST' && span.kind === 3)!;
      expect(client.parentSpanId).toBe(deliveries[i]!.spanId);
      expect(post.headers.traceparent).toBe(`00-${client.traceId}-${client.spanId}-01`);
    });

    // Without OTEL_CAPTURE_CONTENT, no span holds the message text or the number.
    const exported = JSON.stringify(s.otlp.spans);
    expect(exported).not.toContain(TEXT);
    expect(exported).not.toContain('heron');
    expect(exported).not.toContain('5557654321');

    // The retry's log line carries the trace id of that attempt.
    await until(() => s.server.stdout().includes('relay attempt failed; retrying'), 'the retry log line');
    const retryLine = s.server.stdout().split('\n').find((line) => line.includes('relay attempt failed; retrying'))!;
    expect(JSON.parse(retryLine).trace_id).toBe(deliveries[0]!.traceId);

    // The two waits, as Prometheus histograms.
    const metrics = await (await fetch(`${s.server.url}/metrics`)).text();
    expect(metrics).toMatch(/relaybot_approval_wait_seconds_count\{action="confirm"\} 1/);
    expect(metrics).toMatch(/relaybot_relay_acceptance_seconds_count 1/);
  });
});

describe('tracing over http/protobuf, content captured and redacted', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp({ OTEL_CAPTURE_CONTENT: 'true', OTEL_SERVICE_NAME: 'relaybot-test' }, `${TEXT} ${SECRET}`);
  });
  afterAll(() => tearDown(s));

  it('exports protobuf that decodes to the same story, with the message text on spans but the secret in it masked', async () => {
    const { draftId, spans } = await chatAndApprove(s, 'chat-trace-2', `text ${NUMBER} ${TEXT} ${SECRET}`);
    expect(new Set(s.otlp.contentTypes)).toEqual(new Set(['application/x-protobuf']));
    const [message] = named(spans, 'relaybot.message', draftId);
    expect(message!.resource['service.name']).toBe('relaybot-test');
    expect(message!.attributes['relaybot.message.text']).toBe(`text ${NUMBER} ${TEXT} [redacted]`);
    const policy = spans.find((span) => span.traceId === message!.traceId && span.name === 'relaybot.policy')!;
    expect(policy.attributes['relaybot.message.to']).toBe(NUMBER);
    const model = spans.find((span) => span.traceId === message!.traceId && span.name === 'chat gpt-4o-mini')!;
    expect(String(model.attributes['gen_ai.input.messages'])).toContain(TEXT);
    expect(String(model.attributes['gen_ai.output.messages'])).toContain('send_message');
    const [delivery] = named(spans, 'relaybot.delivery', draftId);
    expect(delivery!.links[0]).toMatchObject({ traceId: message!.traceId, spanId: message!.spanId });
    expect(JSON.stringify(s.otlp.spans)).not.toContain(SECRET);
  });
});
