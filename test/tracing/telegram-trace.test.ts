/**
 * A Telegram update traced in-process (a real tracer provider from the SDK, an
 * in-memory exporter): the update is one trace with the message, its draft
 * and card post; the draft stores that trace's traceparent (PGlite); the press
 * on Send is a trace of its own whose decision links back, as does the
 * delivery, and the relay receives the delivery's traceparent.
 */
import { node, tracing } from '@opentelemetry/sdk-node';
import { afterAll, describe, expect, it } from 'vitest';
import { useTelegramTestBed } from '../adapters/telegram/test-bed.js';
import { press } from '../adapters/telegram/updates.js';

const exporter = new tracing.InMemorySpanExporter();
const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
provider.register();
afterAll(() => provider.shutdown());

const bed = useTelegramTestBed();

describe('a Telegram request and its Send press, traced', () => {
  it('makes one trace per update, stores the request trace with the draft, and links the decision and the delivery to it', async () => {
    const alice = bed.member();
    const card = await bed.requestCard(alice);
    await bed.handle(press(alice, card, 'Send'));
    await bed.app.drain();

    const spans = exporter.getFinishedSpans();
    const message = spans.find((s) => s.name === 'relaybot.message')!;
    const draftId = String(message.attributes['relaybot.draft.id']);
    const traceId = message.spanContext().traceId;
    const update = spans.find((s) => s.name === 'telegram.update' && s.spanContext().traceId === traceId)!;
    expect(update.parentSpanContext).toBeUndefined();
    expect(update.attributes).toMatchObject({ 'relaybot.telegram.update': 'message', 'session.id': String(alice.id), 'user.id': `telegram:${alice.id}` });
    expect(message.parentSpanContext?.spanId).toBe(update.spanContext().spanId);
    expect(message.attributes).toMatchObject({ 'langfuse.session.id': String(alice.id), 'langfuse.user.id': `telegram:${alice.id}`, 'relaybot.channel': 'email' });
    expect(spans.find((s) => s.name === 'relaybot.card.post')?.spanContext().traceId).toBe(traceId);

    // Stored with the draft, so any process can link to it later.
    const draft = await bed.app.stores.drafts.get(draftId);
    expect(draft!.traceparent).toBe(`00-${traceId}-${message.spanContext().spanId}-01`);

    const decision = spans.find((s) => s.name === 'relaybot.decision')!;
    expect(decision.spanContext().traceId).not.toBe(traceId);
    expect(spans.find((s) => s.spanContext().spanId === decision.parentSpanContext?.spanId)?.attributes['relaybot.telegram.update']).toBe('callback_query');
    expect(decision.links.map((l) => l.context.spanId)).toEqual([message.spanContext().spanId]);

    const delivery = spans.find((s) => s.name === 'relaybot.delivery')!;
    expect(delivery.parentSpanContext).toBeUndefined();
    expect(delivery.links.map((l) => l.context.traceId)).toEqual([traceId]);
    const post = spans.find((s) => s.name === 'POST' && s.parentSpanContext?.spanId === delivery.spanContext().spanId)!;
    expect(bed.relay.requests[0]!.headers.traceparent).toBe(`00-${post.spanContext().traceId}-${post.spanContext().spanId}-01`);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('ops@example.com');
  });
});
