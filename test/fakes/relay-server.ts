/**
 * A local stand-in for the messaging relay (`POST /api/v1/messages`), for any
 * test that delivers messages: the relay client, the delivery worker, the
 * Slack/Telegram end-to-end tests, the reliability checks and the benchmark.
 *
 *   const relay = await startFakeRelay({ apiKey: 'k', script: [503, 503, 200] });
 *   // point createHttpRelay({ baseUrl: relay.url, apiKey: 'k', … }) at it
 *   expect(relay.requests).toHaveLength(3);
 *   expect(relay.requests[0]!.body).toMatchObject({ channel: 'sms', to: '+1555…' });
 *   expect(relay.delivered).toHaveLength(1);   // unique idempotency keys accepted
 *   await relay.close();
 *
 * Replies are scripted per request, in order; once the script is used up every
 * request gets `fallback` (default 200 with a fresh `{id}`). A script entry is a
 * status number or a `FakeRelayReply`:
 *   - `{ status: 429, headers: { 'retry-after': '2' } }`
 *   - `{ status: 400, body: { error: 'Unknown channel' } }`
 *   - `{ status: 200, delayMs: 500 }`   — answer late (forces a client timeout)
 *   - `{ drop: true }`                  — destroy the socket without answering
 * For "connection refused", use `refusedRelayUrl()` (a port nobody listens on)
 * or `close()` the server and keep using its url.
 *
 * Like a real relay it deduplicates: a 2xx for an idempotency key it has
 * already accepted returns the same id with `duplicate: true` and is not
 * added to `delivered` again. With `apiKey` set, a wrong or missing bearer
 * token gets 401 (and does not consume a script entry).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenOnLoopback } from './loopback.js';

export interface FakeRelayReply {
  /** HTTP status; default 200. */
  status?: number;
  /** JSON body (objects are serialised; strings are sent as text). 2xx default: `{ id }`. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Close the connection without any answer. */
  drop?: boolean;
}
export type FakeRelayStep = FakeRelayReply | number;

export interface RecordedRelayRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or undefined when the body was not JSON. */
  body: any;
  rawBody: string;
  at: Date;
}

export interface DeliveredMessage {
  id: string;
  idempotencyKey: string;
  body: any;
}

export interface FakeRelay {
  /** Base URL to give the client, e.g. `http://127.0.0.1:43121`. */
  url: string;
  /** Every request received, in arrival order (including 401s and dropped ones). */
  requests: RecordedRelayRequest[];
  /** Messages accepted with a 2xx, one per idempotency key. */
  delivered: DeliveredMessage[];
  /** Append steps to the script. */
  script(...steps: FakeRelayStep[]): void;
  /** Forget requests, deliveries and the remaining script. */
  reset(): void;
  /** Stop listening and cut open connections (pending delayed replies are dropped). */
  close(): Promise<void>;
}

export interface FakeRelayOptions {
  script?: FakeRelayStep[];
  fallback?: FakeRelayStep;
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

export async function startFakeRelay(options: FakeRelayOptions = {}): Promise<FakeRelay> {
  const queue: FakeRelayReply[] = (options.script ?? []).map(toReply);
  const fallback = toReply(options.fallback ?? 200);
  const requests: RecordedRelayRequest[] = [];
  const delivered: DeliveredMessage[] = [];
  const idsByKey = new Map<string, string>();
  const timers = new Set<NodeJS.Timeout>();
  let nextId = 1;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const record: RecordedRelayRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: parse(rawBody),
        rawBody,
        at: new Date(),
      };
      requests.push(record);

      if (req.method !== 'POST' || req.url !== '/api/v1/messages') {
        return json(res, 404, { error: `No route ${req.method} ${req.url}` });
      }
      if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
        return json(res, 401, { error: 'Invalid API key' });
      }
      const reply = queue.shift() ?? fallback;
      const answer = (): void => {
        if (reply.drop) {
          req.socket.destroy();
          return;
        }
        const status = reply.status ?? 200;
        const accepted = status >= 200 && status < 300 ? accept(record, reply.body) : undefined;
        json(res, status, reply.body ?? accepted, reply.headers);
      };
      if (reply.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, reply.delayMs);
        timers.add(timer);
      } else {
        answer();
      }
    });
  });

  /**
   * Record a 2xx the way a relay would: once per idempotency key. Returns the
   * default body; a scripted body is sent instead, and its `id`/`message_id` is remembered.
   */
  function accept(record: RecordedRelayRequest, scripted: unknown): Record<string, unknown> {
    const key = String(record.body?.idempotency_key ?? record.headers['idempotency-key'] ?? '');
    const seen = key ? idsByKey.get(key) : undefined;
    if (seen) return { id: seen, status: 'queued', duplicate: true };
    const given = (scripted as { id?: unknown; message_id?: unknown } | undefined) ?? {};
    const id = String(given.id ?? given.message_id ?? `msg_${nextId++}`);
    if (key) idsByKey.set(key, id);
    delivered.push({ id, idempotencyKey: key, body: record.body });
    return { id, status: 'queued' };
  }

  const listening = await listenOnLoopback(server);

  return {
    url: listening.base,
    requests,
    delivered,
    script: (...steps) => queue.push(...steps.map(toReply)),
    reset() {
      requests.length = 0;
      delivered.length = 0;
      queue.length = 0;
      idsByKey.clear();
      nextId = 1;
    },
    close: () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return listening.close();
    },
  };
}

/** A URL where nothing listens: connecting to it is refused. */
export async function refusedRelayUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function toReply(step: FakeRelayStep): FakeRelayReply {
  return typeof step === 'number' ? { status: step } : step;
}

function parse(raw: string): any {
  try {
    return raw ? JSON.parse(raw) : undefined;
  } catch {
    return undefined;
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
