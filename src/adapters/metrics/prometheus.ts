import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Metrics } from '../../core/ports.js';
import type { Channel } from '../../core/send-request.js';

/** The Metrics port over prom-client, plus what the HTTP server records and exposes at /metrics. */
export interface PrometheusMetrics extends Metrics {
  /** Holds every relaybot metric and the default process metrics; render with `registry.metrics()`. */
  readonly registry: Registry;
  /** One finished HTTP request; `route` is the route pattern (never the raw URL, to keep label sets small). */
  httpRequest(method: string, route: string, status: number, seconds: number): void;
}

export interface PrometheusMetricsOptions {
  /** Also collect Node's process metrics (CPU, memory, event loop lag, GC). Default true. */
  processMetrics?: boolean;
}

/**
 * Each call builds its own Registry, so two apps in one process (tests, or a
 * benchmark beside a server) never collide on metric names.
 */
export function createPrometheusMetrics(options: PrometheusMetricsOptions = {}): PrometheusMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const draftsCreated = new Counter({
    name: 'relaybot_drafts_created_total',
    help: 'Drafts created from a request, by channel.',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  const decisions = new Counter({
    name: 'relaybot_decisions_total',
    help: 'Send / Edit / Cancel decisions on drafts, by action and outcome (ok, refused, conflict).',
    labelNames: ['action', 'outcome'] as const,
    registers: [registry],
  });
  const relayAttempts = new Counter({
    name: 'relaybot_relay_attempts_total',
    help: 'Attempts to hand a message to the relay, by outcome (sent, dry_run, retry, failed).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const relayAttemptSeconds = new Histogram({
    name: 'relaybot_relay_attempt_seconds',
    help: 'Duration of one relay attempt, in seconds, by outcome.',
    labelNames: ['outcome'] as const,
    // The relay times out at 10 s; the top buckets show timeouts apart from slow successes.
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    registers: [registry],
  });
  const interpretSeconds = new Histogram({
    name: 'relaybot_interpret_seconds',
    help: 'Time to understand one message, in seconds, by interpreter (offline parser or model).',
    labelNames: ['interpreter'] as const,
    buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  const approvalWaitSeconds = new Histogram({
    name: 'relaybot_approval_wait_seconds',
    help: 'Time from a draft being created to its decision (confirm or cancel), in seconds, by action.',
    labelNames: ['action'] as const,
    // People decide in seconds to hours (drafts live 15 minutes by default, longer when configured).
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 14400, 86400],
    registers: [registry],
  });
  const relayAcceptanceSeconds = new Histogram({
    name: 'relaybot_relay_acceptance_seconds',
    help: 'Time from a confirm to the relay accepting the message, in seconds (outbox wait, retries and the relay call).',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [registry],
  });
  const auditRefused = new Counter({
    name: 'relaybot_audit_events_refused_total',
    help: 'Pending audit events the sealer refused to chain because their MAC does not verify (forged, or written with another AUDIT_KEY).',
    registers: [registry],
  });
  const httpSeconds = new Histogram({
    name: 'relaybot_http_request_duration_seconds',
    help: 'HTTP request duration, in seconds, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });

  return {
    registry,
    draftCreated(channel: Channel) {
      draftsCreated.inc({ channel });
    },
    decision(action, outcome) {
      decisions.inc({ action, outcome });
    },
    relayAttempt(outcome, seconds) {
      relayAttempts.inc({ outcome });
      relayAttemptSeconds.observe({ outcome }, seconds);
    },
    approvalWait(action, seconds) {
      approvalWaitSeconds.observe({ action }, seconds);
    },
    relayAcceptance(seconds) {
      relayAcceptanceSeconds.observe(seconds);
    },
    auditEventRefused() {
      auditRefused.inc();
    },
    interpretDuration(interpreter, seconds) {
      interpretSeconds.observe({ interpreter }, seconds);
    },
    httpRequest(method, route, status, seconds) {
      httpSeconds.observe({ method, route, status: String(status) }, seconds);
    },
  };
}
