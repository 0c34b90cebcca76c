/**
 * The tracing helpers in-process, under a real tracer provider (the SDK's
 * NodeTracerProvider, W3C propagation, an in-memory exporter): error
 * recording, traceparent round trips, content capture, trace ids in log lines,
 * URL scrubbing and the OTEL_* settings.
 */
import { Writable } from 'node:stream';
import { node, tracing } from '@opentelemetry/sdk-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configureContentCapture, currentTraceparent, inSpan, linksTo, setContent } from '../../src/app/tracing.js';
import { readTracingConfig, tracingEnabled } from '../../src/adapters/tracing/config.js';
import { scrubUrl } from '../../src/adapters/tracing/scrub-url.js';
import { redactText } from '../../src/adapters/db/redact.js';
import { AppError } from '../../src/core/errors.js';
import { createLogger } from '../../src/logger.js';

const exporter = new tracing.InMemorySpanExporter();
const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
beforeAll(() => provider.register());
afterAll(() => provider.shutdown());
afterEach(() => {
  exporter.reset();
  configureContentCapture(false, (text) => text);
});

describe('spans', () => {
  it('records an AppError with its code, and not its sentence unless content capture is on', async () => {
    const refusal = new AppError('denied:policy', 'Messages to +15551234567 are not allowed.');
    await expect(inSpan('work', {}, async () => { throw refusal; })).rejects.toBe(refusal);
    const [span] = exporter.getFinishedSpans();
    expect(span!.attributes['error.type']).toBe('denied:policy');
    expect(span!.status).toEqual({ code: 2, message: 'denied:policy' });
    expect(span!.events[0]!.attributes).toEqual({ 'exception.type': 'denied:policy' });
    expect(JSON.stringify(span!.events)).not.toContain('5551234567');

    configureContentCapture(true, redactText);
    await expect(inSpan('work', {}, async () => { throw new AppError('denied:policy', 'token xoxb-123-abc refused'); })).rejects.toThrow();
    expect(exporter.getFinishedSpans()[1]!.events[0]!.attributes!['exception.message']).toBe('token [redacted] refused');
  });

  it('stores the active trace as a traceparent that links back to the same span', async () => {
    let parent = '';
    let spanId = '';
    await inSpan('drafting', {}, async (span) => {
      parent = currentTraceparent()!;
      spanId = span.spanContext().spanId;
    });
    expect(parent).toMatch(new RegExp(`^00-[0-9a-f]{32}-${spanId}-01$`));
    const [link] = linksTo(parent);
    expect(link!.context.spanId).toBe(spanId);
    expect(linksTo(null)).toEqual([]);
    expect(linksTo('garbage')).toEqual([]);
  });

  it('puts content on spans only when capture is on, redacted', async () => {
    await inSpan('off', {}, async (span) => setContent(span, { 'relaybot.message.text': 'hi sk-abcdefghijklmnopqrstuvwx' }));
    configureContentCapture(true, redactText);
    await inSpan('on', {}, async (span) => setContent(span, { 'relaybot.message.text': 'hi sk-abcdefghijklmnopqrstuvwx' }));
    const [off, on] = exporter.getFinishedSpans();
    expect(off!.attributes['relaybot.message.text']).toBeUndefined();
    expect(on!.attributes['relaybot.message.text']).toBe('hi [redacted]');
  });
});

describe('log lines', () => {
  it('carry trace_id inside a span when tracing is configured, and none outside', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done(); } });
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:4318';
    const logger = createLogger('info', sink);
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    let traceId = '';
    await inSpan('request', {}, async (span) => {
      traceId = span.spanContext().traceId;
      logger.info({ draftId: 'd1' }, 'inside');
    });
    logger.info({}, 'outside');
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'inside', trace_id: traceId });
    expect(JSON.parse(lines[1]!).trace_id).toBeUndefined();
  });
});

describe('outgoing URLs on spans', () => {
  it.each([
    ['https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage', 'https://api.telegram.org/bot[redacted]/sendMessage'],
    ['https://hooks.slack.com/commands/T0001/1234567890/aB3dE5fG7hJ9kL1mN3pQ5rS7', 'https://hooks.slack.com/commands/T0001/1234567890/[redacted]'],
    ['https://slack.com/api/chat.postMessage?token=xoxb-1', 'https://slack.com/api/chat.postMessage'],
    ['https://user:pass@relay.example.com/api/v1/messages', 'https://relay.example.com/api/v1/messages'],
    ['http://127.0.0.1:8080/api/drafts/0b5e4b0e-7a0d-4a55-9d8e-4a7f1c2d3e4f/confirm', 'http://127.0.0.1:8080/api/drafts/0b5e4b0e-7a0d-4a55-9d8e-4a7f1c2d3e4f/confirm'],
  ])('%s', (url, scrubbed) => {
    expect(scrubUrl(url)).toBe(scrubbed);
  });
});

describe('OTEL_* settings', () => {
  it('turn tracing on only with an endpoint, and off with OTEL_SDK_DISABLED', () => {
    expect(tracingEnabled({})).toBe(false);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });

  it('default to http/protobuf and service relaybot, and refuse what relaybot cannot export with a sentence naming the variable', () => {
    expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toEqual({ protocol: 'http/protobuf', serviceName: 'relaybot', captureContent: false });
    expect(readTracingConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'rb', OTEL_CAPTURE_CONTENT: 'true' })).toEqual({
      protocol: 'http/json', serviceName: 'rb', captureContent: true,
    });
    expect(() => readTracingConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/^OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported; use http\/protobuf/);
    expect(() => readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/^OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" is not an http\(s\) URL/);
  });
});
