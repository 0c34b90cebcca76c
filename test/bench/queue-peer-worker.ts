/**
 * The durable-queue peer's worker process: graphile-worker with one task,
 * `deliver`, that does what relaybot's delivery does for one message — POST
 * it to the relay (undici, keep-alive, the same headers and body) and fail
 * the job on a non-2xx so the queue retries it. Started by queue-peer.ts.
 */
import { run } from 'graphile-worker';
import { Pool, request } from 'undici';

const { DATABASE_URL, RELAY_URL, RELAY_KEY, CONCURRENCY } = process.env;
if (!DATABASE_URL || !RELAY_URL || !RELAY_KEY) throw new Error('queue peer: DATABASE_URL, RELAY_URL and RELAY_KEY are required');

const relay = new Pool(new URL(RELAY_URL).origin, { keepAliveTimeout: 30_000, headersTimeout: 10_000, bodyTimeout: 10_000 });
const endpoint = new URL('/api/v1/messages', RELAY_URL);

const runner = await run({
  connectionString: DATABASE_URL,
  concurrency: Number(CONCURRENCY ?? 10),
  noHandleSignals: false,
  // LISTEN/NOTIFY wakes workers at once; the poll is only a fallback.
  pollInterval: 1000,
  logger: undefined,
  taskList: {
    async deliver(payload) {
      const message = payload as { key: string; to: string; text: string };
      const res = await request(endpoint, {
        method: 'POST',
        dispatcher: relay,
        headers: { authorization: `Bearer ${RELAY_KEY}`, 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': message.key, 'user-agent': 'relaybot' },
        body: JSON.stringify({ channel: 'sms', to: message.to, text: message.text, source: 'relaybot', idempotency_key: message.key }),
      });
      await res.body.text();
      if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`relay answered HTTP ${res.statusCode}`);
    },
  },
});
console.log('queue peer ready');
await runner.promise;
