/**
 * The thin slice of OpenTelemetry the use cases need, over `@opentelemetry/api`
 * only. With tracing off no SDK is registered: every span here is the API's
 * non-recording no-op, no context is propagated, and `currentTraceparent()` is
 * null — so the cost of these calls is a few object allocations.
 * The SDK (adapters/tracing) is loaded only when an OTLP endpoint is configured.
 */
import {
  context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace,
  type Attributes, type Link, type Span,
} from '@opentelemetry/api';
import { AppError } from '../core/errors.js';
import type { Draft } from '../core/draft.js';
import type { Actor, ConversationRef } from '../core/send-request.js';

export { SpanKind, type Span };

const TRACER = 'relaybot';

export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  /** Start a new trace even when a span is active (a delivery belongs to no inbound request). */
  root?: boolean;
  links?: Link[];
}

/**
 * Run `fn` inside a new active span: it is ended when `fn` settles, and a throw
 * is recorded on it (with the AppError code) before it propagates.
 */
export function inSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer(TRACER).startActiveSpan(name, options, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      recordError(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Mark the span failed with the error's code (`denied:policy`, `unavailable:relay`…).
 * Only the code and the error's class name travel: an error's message may quote
 * what someone wrote, so it is added only when content capture is on.
 */
export function recordError(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const code = error instanceof AppError ? error.code : error instanceof Error ? error.name : 'Error';
  span.setAttribute('error.type', code);
  const message = error instanceof Error && content.capture ? content.redact(error.message) : undefined;
  span.recordException({ name: code, ...(message === undefined ? {} : { message }) });
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}

/** Record an error (a refusal the caller turns into a sentence) on whichever span is active. */
export function recordErrorOnActiveSpan(error: unknown): void {
  const span = trace.getActiveSpan();
  if (span) recordError(span, error);
}

/** Link the active span to the trace the draft was made in, and name the draft on it. */
export function linkActiveSpanToDraft(draft: Pick<Draft, 'id' | 'channel' | 'version' | 'requester' | 'conversation' | 'traceparent'>): void {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return;
  span.addLinks(linksTo(draft.traceparent));
  span.setAttributes(draftAttributes(draft));
}

/** The W3C traceparent of the active span, to store with a draft; null when tracing is off or nothing is active. */
export function currentTraceparent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** Write the active trace context into outgoing headers (`traceparent`, `tracestate`); nothing when tracing is off. */
export function injectTraceHeaders(headers: Record<string, string>): void {
  propagation.inject(context.active(), headers);
}

/** A link to the trace a draft was made in (a click on another replica or a retry after a restart still finds it). */
export function linksTo(traceparent: string | null | undefined): Link[] {
  if (!traceparent) return [];
  const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent }));
  return spanContext && trace.isSpanContextValid(spanContext) ? [{ context: spanContext, attributes: { 'relaybot.link': 'draft' } }] : [];
}

/**
 * Who and where, under the OpenTelemetry names and Langfuse's: the session is
 * the conversation (chat id, Slack channel, Telegram chat), the user the requester.
 */
export function sessionAttributes(actor: Pick<Actor, 'platform' | 'userId'>, conversation: Pick<ConversationRef, 'chatId'>): Attributes {
  const userId = `${actor.platform}:${actor.userId}`;
  return {
    'session.id': conversation.chatId,
    'user.id': userId,
    'langfuse.session.id': conversation.chatId,
    'langfuse.user.id': userId,
  };
}

/** The draft's identity on a span: id, channel, version, and its session. */
export function draftAttributes(draft: Pick<Draft, 'id' | 'channel' | 'version' | 'requester' | 'conversation'>): Attributes {
  return {
    'relaybot.draft.id': draft.id,
    'relaybot.channel': draft.channel,
    'relaybot.draft.version': draft.version,
    ...sessionAttributes(draft.requester, draft.conversation),
  };
}

/**
 * Message text, recipients, prompts and model output go on spans only when the
 * operator opted in (OTEL_CAPTURE_CONTENT=true), and then through `redact`
 * (the audit log's secret masking). The tracing SDK sets this at start.
 */
const content: { capture: boolean; redact: (text: string) => string } = { capture: false, redact: (text) => text };

export function configureContentCapture(capture: boolean, redact: (text: string) => string): void {
  content.capture = capture;
  content.redact = redact;
}

/** Is content capture on (so a caller may skip building what would be dropped)? */
export const capturesContent = (): boolean => content.capture;

/** Set content attributes (redacted) when capture is on; a no-op otherwise. */
export function setContent(span: Span, attributes: Record<string, string | null | undefined>): void {
  if (!content.capture || !span.isRecording()) return;
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value === 'string') span.setAttribute(key, content.redact(value));
  }
}

/**
 * Flushes and stops the tracing SDK, when one was started; main calls it
 * before exiting so the last spans (the shutdown's deliveries) are exported.
 */
let shutdownHook: (() => Promise<void>) | null = null;

export function onTracingShutdown(hook: () => Promise<void>): void {
  shutdownHook = hook;
}

export async function shutdownTracing(): Promise<void> {
  await shutdownHook?.().catch(() => undefined);
}

/** The active span's trace id, for log lines; undefined when none is recording. */
export function activeTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
