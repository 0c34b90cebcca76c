/**
 * Starts OpenTelemetry tracing: the Node SDK, an OTLP/HTTP trace exporter
 * (protobuf or JSON) and the official instrumentations for http, express, pg
 * and undici. Loaded by the entry point (start.mjs) only when an OTLP endpoint
 * is set, and before the app's own modules, because the instrumentations must
 * patch express and pg before anything imports them. With tracing off this
 * file is never imported.
 *
 * Endpoint and headers are read by the exporter itself from the standard
 * variables (OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT, OTEL_EXPORTER_OTLP_[TRACES_]HEADERS),
 * as are the batch processor's and the sampler's (OTEL_BSP_*, OTEL_TRACES_SAMPLER).
 */
import type { IncomingMessage } from 'node:http';
import { register } from 'node:module';
import { onTracingShutdown } from '../../app/tracing.js';
import { readTracingConfig, type TracingConfig } from './config.js';
import { scrubClientSpan } from './scrub-url.js';

/** Modules patched on import (ESM): only these pass through the import hook, so the rest of the app loads as before. */
const HOOKED_MODULES = ['express', 'pg', 'pg-pool', 'http', 'https', 'node:http', 'node:https'];
/** Inbound requests that are not anybody's request: probes and scrapes. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export async function startTracing(config: TracingConfig = readTracingConfig()): Promise<void> {
  // ESM imports are patched through import-in-the-middle's loader hook (CommonJS requires through require-in-the-middle).
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: HOOKED_MODULES } });

  const [{ NodeSDK }, { HttpInstrumentation }, { ExpressInstrumentation }, { PgInstrumentation }, { UndiciInstrumentation }, exporter] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-express'),
      import('@opentelemetry/instrumentation-pg'),
      import('@opentelemetry/instrumentation-undici'),
      config.protocol === 'http/json' ? import('@opentelemetry/exporter-trace-otlp-http') : import('@opentelemetry/exporter-trace-otlp-proto'),
    ]);

  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    traceExporter: new exporter.OTLPTraceExporter(),
    // Only what serves a trace: no metrics or logs exporters (Prometheus and pino do those).
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.has((request.url ?? '').split('?', 1)[0]!),
        // Background work (polls, Slack's socket, Telegram's long poll) makes no trace of its own.
        requireParentforOutgoingSpans: true,
        requestHook: (span, request) => {
          if (!('getHeader' in request)) return; // incoming: the path is ours, tokens never travel in it
          const host = String(request.getHeader('host') ?? request.host ?? 'localhost');
          scrubClientSpan(span, `${request.protocol ?? 'http:'}//${host}${request.path}`);
        },
      }),
      // The route names the HTTP span; a span per router layer and handler would only double it.
      new ExpressInstrumentation({ ignoreLayersType: ['middleware', 'router', 'request_handler'] as never[] }),
      // Without a parent (the outbox poll, the audit sealer) a query is not worth a trace of its own.
      new PgInstrumentation({ requireParentSpan: true }),
      new UndiciInstrumentation({
        requireParentforSpans: true,
        // The relay client opens its own span and injects its traceparent: no second one.
        ignoreRequestHook: (request) => hasTraceparent(request.headers),
        requestHook: (span, request) => scrubClientSpan(span, `${request.origin}${request.path}`),
      }),
    ],
  });
  sdk.start();
  onTracingShutdown(() => sdk.shutdown());
}

function hasTraceparent(headers: string | (string | string[])[]): boolean {
  if (typeof headers === 'string') return /(^|\r\n)traceparent:/i.test(headers);
  for (let i = 0; i < headers.length; i += 2) if (String(headers[i]).toLowerCase() === 'traceparent') return true;
  return false;
}
