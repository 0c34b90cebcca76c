import { errors, Pool, request, type Dispatcher } from 'undici';
import { AppError } from '../../core/errors.js';
import { inSpan, injectTraceHeaders, SpanKind } from '../../app/tracing.js';
import type { Relay, RelayMessage, RelayResult } from '../../core/ports.js';
import { parseRetryAfter } from './retry-after.js';

export interface HttpRelayOptions {
  /** e.g. `https://relay.example.com` (a trailing slash is fine). */
  baseUrl: string;
  apiKey: string;
  /**
   * RELAY_PHONE_ID. Sent as a JSON number when it is all digits (the relay's
   * ids are numeric, and `"7"` vs `7` matters to strictly typed servers), as a
   * string otherwise, and left out when unset (the relay then uses its default).
   */
  phoneId?: string | number | undefined;
  /**
   * Bounds each phase of an attempt — connecting, waiting for the answer,
   * reading it; default 10 000 ms. undici checks these on a timer wheel of
   * about one second, so a timeout fires up to a second late.
   */
  timeoutMs?: number;
  /** Injectable for tests (e.g. an Agent with an interceptor); default: a keep-alive Pool to the relay. */
  dispatcher?: Dispatcher;
}

/** Longest piece of the relay's own error text we repeat to a person. */
const MAX_REASON = 200;
/** Idle keep-alive connections to the relay are closed after this long. */
const KEEP_ALIVE_MS = 30_000;

/**
 * The relay over HTTPS. One `send()` is exactly one attempt: retries and
 * backoff belong to the delivery worker, which reschedules the job in the
 * database so a retry survives a crash.
 *
 * undici's `request` on a keep-alive Pool rather than `fetch`: per call, fetch
 * builds WHATWG Request/Response objects, web streams and an AbortSignal
 * timer, which a profile of the confirm → relay path put at about a quarter of
 * the server's CPU per message; undici's own timeouts bound each phase instead.
 */
export function createHttpRelay(options: HttpRelayOptions): Relay {
  const { apiKey, timeoutMs = 10_000 } = options;
  const endpoint = new URL('api/v1/messages', options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const dispatcher =
    options.dispatcher ??
    new Pool(endpoint.origin, { keepAliveTimeout: KEEP_ALIVE_MS, connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const where = endpoint.host;
  const phoneId = normalizePhoneId(options.phoneId);
  // The relay may echo what it received; never let the key reach a log or a card.
  const redact = (s: string): string => (apiKey ? s.split(apiKey).join('[redacted]') : s);
  const headers = {
    authorization: `Bearer ${apiKey}`,
    'content-type': 'application/json',
    accept: 'application/json',
    'user-agent': 'relaybot',
  };

  return {
    dryRun: false,
    send(message: RelayMessage): Promise<RelayResult> {
      // A client span of its own whose context the relay receives as W3C traceparent (nothing is added with tracing off).
      const attributes = { 'http.request.method': 'POST', 'server.address': endpoint.hostname, 'url.full': `${endpoint.origin}${endpoint.pathname}` };
      return inSpan('POST', { kind: SpanKind.CLIENT, attributes }, async (span) => {
        try {
          const result = await sendOnce(message);
          span.setAttribute('http.response.status_code', result.status);
          return result;
        } catch (error) {
          const status = error instanceof AppError ? error.details?.status : undefined;
          if (typeof status === 'number') span.setAttribute('http.response.status_code', status);
          throw error;
        }
      });
    },
  };

  async function sendOnce(message: RelayMessage): Promise<RelayResult> {
    const body: Record<string, unknown> = {
      ...(phoneId === undefined ? {} : { phone_id: phoneId }),
      channel: message.channel,
      to: message.to,
      text: message.text,
      ...(message.subject ? { subject: message.subject } : {}),
      source: 'relaybot',
      idempotency_key: message.idempotencyKey,
    };
    let response: Dispatcher.ResponseData;
    try {
      // undici never follows a redirect unless told to: on a POST it is a misconfigured base URL.
      response = await request(endpoint, {
        method: 'POST',
        headers: traced({ ...headers, 'idempotency-key': message.idempotencyKey }),
        body: JSON.stringify(body),
        dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (error) {
      throw transportError(error, where, timeoutMs);
    }
    const status = response.statusCode;
    // Read (or fail reading) the body either way, so the connection goes back to the pool.
    const raw = await response.body.text().catch(() => '');

    if (status >= 200 && status < 300) {
      // The relay has accepted the message; a slow or odd body must not turn that into a retry.
      return { dryRun: false, relayMessageId: messageId(raw), status };
    }

    const details = { status, relayHost: where };
    if (status === 429 || status >= 500) {
      const retryAfter = response.headers['retry-after'];
      const retryAfterMs = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
      const what = status === 429 ? 'is limiting how fast relaybot may send' : 'had a problem on its side';
      throw new AppError('unavailable:relay', `The relay ${what} (HTTP ${status}).`, {
        isRetryable: true,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        details,
      });
    }
    const reason = redact(reasonFrom(raw)) || 'no reason given';
    const advice = status >= 300 && status < 400 ? ' Check RELAY_BASE_URL.' : status === 401 || status === 403 ? ' Check RELAY_API_KEY.' : '';
    throw new AppError('rejected:relay', `The relay refused the message: ${reason} (HTTP ${status}).${advice}`, {
      isRetryable: false,
      details,
    });
  }
}

/** The headers with the active span's `traceparent` (and `tracestate`) added; unchanged with tracing off. */
function traced(headers: Record<string, string>): Record<string, string> {
  injectTraceHeaders(headers);
  return headers;
}

function normalizePhoneId(value: string | number | undefined): string | number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed) && Number.isSafeInteger(Number(trimmed))) return Number(trimmed);
  return trimmed;
}

/** Timeouts and network failures: nothing reached the relay, or we cannot tell — retry (the key deduplicates). */
function transportError(error: unknown, where: string, timeoutMs: number): AppError {
  if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError || error instanceof errors.ConnectTimeoutError) {
    return new AppError('unavailable:relay', `The relay at ${where} did not answer within ${formatSeconds(timeoutMs)}.`, {
      cause: error,
      isRetryable: true,
      details: { relayHost: where, timeoutMs },
    });
  }
  const code = networkCode(error);
  const why = code ? ` (${code})` : '';
  return new AppError('unavailable:relay', `Could not reach the relay at ${where}${why}.`, {
    cause: error,
    isRetryable: true,
    details: { relayHost: where, ...(code ? { networkCode: code } : {}) },
  });
}

/** The socket's error code (ECONNREFUSED…), on the error or, when wrapped, on its cause. */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/**
 * What a relay message id may look like to be kept. The relay is trusted to
 * send, not to fill our tables and audit log: anything longer or stranger is
 * stored as null (the send still counts as sent).
 */
const MESSAGE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The relay's id for the message: `id` or `message_id`, string or integer, when it is a short token. */
function messageId(text: string): string | null {
  const json = parseJson(text);
  if (!json || typeof json !== 'object') return null;
  for (const key of ['id', 'message_id'] as const) {
    const value = (json as Record<string, unknown>)[key];
    const id = typeof value === 'string' ? value : Number.isSafeInteger(value) ? String(value) : null;
    if (id !== null && id !== '') return MESSAGE_ID.test(id) ? id : null;
  }
  return null;
}

/** The relay's explanation from `{error}`, `{error:{message}}`, `{message}` or `{detail}`, else the raw text. */
function reasonFrom(text: string): string {
  const json = parseJson(text);
  let reason: string | undefined;
  if (json && typeof json === 'object') {
    const obj = json as Record<string, unknown>;
    for (const candidate of [obj.error, obj.message, obj.detail]) {
      if (typeof candidate === 'string') reason = candidate;
      else if (candidate && typeof candidate === 'object' && typeof (candidate as { message?: unknown }).message === 'string') {
        reason = (candidate as { message: string }).message;
      }
      if (reason) break;
    }
  }
  // An HTML error page from a proxy: keep its words, not its markup.
  return trimReason(reason ?? text.replace(/<[^>]*>/g, ' '));
}

function trimReason(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim().replace(/[.\s]+$/, '');
  return oneLine.length > MAX_REASON ? `${oneLine.slice(0, MAX_REASON - 1)}…` : oneLine;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
