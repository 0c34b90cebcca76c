import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDryRunRelay } from '../../../src/adapters/relay/dry-run-relay.js';
import { createHttpRelay } from '../../../src/adapters/relay/http-relay.js';
import { AppError } from '../../../src/core/errors.js';
import type { RelayMessage } from '../../../src/core/ports.js';
import { refusedRelayUrl, startFakeRelay, type FakeRelay } from '../../fakes/relay-server.js';

const API_KEY = 'rk_live_SECRET_do_not_leak_42';

const sms: RelayMessage = {
  channel: 'sms',
  to: '+15551234567',
  text: 'Build finished successfully.',
  subject: null,
  idempotencyKey: 'draft-7f3a-key',
};

let relay: FakeRelay;
beforeAll(async () => {
  relay = await startFakeRelay({ apiKey: API_KEY });
});
afterAll(() => relay.close());
beforeEach(() => relay.reset());

const client = (extra: Partial<Parameters<typeof createHttpRelay>[0]> = {}) =>
  createHttpRelay({ baseUrl: relay.url, apiKey: API_KEY, phoneId: '12', ...extra });

/** Run `send` and return the AppError it throws (fails the test if it resolves or throws something else). */
async function sendError(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => expect.fail('expected the relay call to fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  // Whatever went wrong, the key never shows up where people or logs can see it.
  expect(appError.message).not.toContain(API_KEY);
  expect(JSON.stringify(appError.details ?? {})).not.toContain(API_KEY);
  return appError;
}

describe('http relay: the request', () => {
  it('posts the contract payload with bearer auth and the idempotency key in body and header', async () => {
    const result = await client().send(sms);

    expect(result).toEqual({ dryRun: false, relayMessageId: 'msg_1', status: 200 });
    expect(relay.requests).toHaveLength(1);
    const req = relay.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/api/v1/messages');
    expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['idempotency-key']).toBe('draft-7f3a-key');
    // Exactly these keys: no subject for SMS, phone id as a number because it is all digits.
    expect(req.body).toEqual({
      phone_id: 12,
      channel: 'sms',
      to: '+15551234567',
      text: 'Build finished successfully.',
      source: 'relaybot',
      idempotency_key: 'draft-7f3a-key',
    });
  });

  it('sends the subject when set, and a non-numeric phone id as a string', async () => {
    const email: RelayMessage = { channel: 'email', to: 'ops@example.com', text: 'Deploy done.', subject: 'Deploy', idempotencyKey: 'k-email' };
    await client({ phoneId: 'phone-eu-1', baseUrl: `${relay.url}/` }).send(email);

    expect(relay.requests[0]!.path).toBe('/api/v1/messages');
    expect(relay.requests[0]!.body).toMatchObject({ phone_id: 'phone-eu-1', subject: 'Deploy', channel: 'email' });
  });

  it('takes the relay id from message_id too; a repeat sends the same key and is delivered once', async () => {
    relay.script({ status: 201, body: { message_id: 9001 } });
    const first = await client().send(sms);
    const again = await client().send(sms);

    expect(first).toEqual({ dryRun: false, relayMessageId: '9001', status: 201 });
    expect(again.relayMessageId).toBe('9001');
    expect(relay.delivered).toHaveLength(1);
    expect(relay.requests.map((r) => r.body.idempotency_key)).toEqual(['draft-7f3a-key', 'draft-7f3a-key']);
  });
});

describe('http relay: the message id it answers', () => {
  it('keeps only a short token; anything else is stored as null and the send still counts', async () => {
    const answers: [unknown, string | null][] = [
      ['msg_01H.x:7-a', 'msg_01H.x:7-a'],
      ['a'.repeat(128), 'a'.repeat(128)],
      ['a'.repeat(129), null],
      ['<script>alert(1)</script>', null],
      ['id with spaces', null],
      ['msg\u0000x', null],
      ['', null],
      [{ nested: 'object' }, null],
      [1.5, null],
      [42, '42'],
    ];
    for (const [id, kept] of answers) {
      relay.reset();
      relay.script({ status: 200, body: { id } });
      const result = await client().send({ ...sms, idempotencyKey: `key-${JSON.stringify(id).length}-${String(kept)}` });
      expect(result, JSON.stringify(id)).toEqual({ dryRun: false, relayMessageId: kept, status: 200 });
    }
  });
});

describe('http relay: failures', () => {
  it('503 is retryable, with retryAfterMs from Retry-After seconds — one attempt per send', async () => {
    relay.script({ status: 503, headers: { 'retry-after': '7' } });
    const error = await sendError(client().send(sms));

    expect(error.code).toBe('unavailable:relay');
    expect(error.isRetryable).toBe(true);
    expect(error.retryAfterMs).toBe(7000);
    expect(error.message).toMatch(/HTTP 503/);
    expect(relay.requests).toHaveLength(1);
  });

  it('429 with an HTTP-date Retry-After is retryable and waits until that date', async () => {
    const at = new Date(Date.now() + 120_000);
    relay.script({ status: 429, headers: { 'retry-after': at.toUTCString() } });
    const error = await sendError(client().send(sms));

    expect(error.code).toBe('unavailable:relay');
    expect(error.isRetryable).toBe(true);
    // The date has one-second precision and the clock moves on; about two minutes either way.
    expect(error.retryAfterMs).toBeGreaterThan(100_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('400 is a rejection carrying the relay reason, not retried', async () => {
    relay.script({ status: 400, body: { error: 'Recipient +15551234567 has opted out of SMS.' } });
    const error = await sendError(client().send(sms));

    expect(error.code).toBe('rejected:relay');
    expect(error.isRetryable).toBe(false);
    expect(error.message).toBe('The relay refused the message: Recipient +15551234567 has opted out of SMS (HTTP 400).');
  });

  it('trims a long rejection reason and redacts the key if the relay echoes it', async () => {
    relay.script({ status: 422, body: { error: { message: `bad token ${API_KEY} ${'x'.repeat(500)}` } } });
    const error = await sendError(client().send(sms));

    expect(error.code).toBe('rejected:relay');
    expect(error.message).toContain('bad token [redacted]');
    expect(error.message.length).toBeLessThan(300);
  });

  it('a wrong API key is refused with advice, and the key is not in the message', async () => {
    const error = await sendError(client({ apiKey: 'wrong-key' }).send(sms));

    expect(error.code).toBe('rejected:relay');
    expect(error.message).toBe('The relay refused the message: Invalid API key (HTTP 401). Check RELAY_API_KEY.');
  });

  it('a relay slower than timeoutMs is retryable', async () => {
    relay.script({ status: 200, delayMs: 2_000 });
    const error = await sendError(client({ timeoutMs: 100 }).send(sms));

    expect(error.code).toBe('unavailable:relay');
    expect(error.isRetryable).toBe(true);
    expect(error.message).toMatch(/did not answer within 100 ms/);
  });

  it('a dropped connection is retryable', async () => {
    relay.script({ drop: true });
    const error = await sendError(client().send(sms));

    expect(error.code).toBe('unavailable:relay');
    expect(error.isRetryable).toBe(true);
    expect(error.message).toMatch(/^Could not reach the relay at 127\.0\.0\.1:\d+/);
  });

  it('connection refused is retryable and says so', async () => {
    const url = await refusedRelayUrl();
    const error = await sendError(createHttpRelay({ baseUrl: url, apiKey: API_KEY }).send(sms));

    expect(error.code).toBe('unavailable:relay');
    expect(error.isRetryable).toBe(true);
    expect(error.message).toMatch(/\(ECONNREFUSED\)\.$/);
  });
});

describe('dry-run relay', () => {
  it('reports a dry run and contacts nobody', async () => {
    const dry = createDryRunRelay();
    expect(dry.dryRun).toBe(true);
    expect(await dry.send(sms)).toEqual({ dryRun: true, relayMessageId: null, status: 200 });
    expect(relay.requests).toHaveLength(0);
  });
});
