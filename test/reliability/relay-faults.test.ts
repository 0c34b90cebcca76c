/**
 * A relay that misbehaves in every way one can — connection refused,
 * 5xx, 429 with Retry-After, no answer in time — still gets each approved
 * message exactly once, every attempt is audited, and a slow relay never
 * holds up the answer to the click (web API or Slack button).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusMetrics } from '../../src/adapters/metrics/prometheus.js';
import { createHttpRelay } from '../../src/adapters/relay/index.js';
import { createSlackAdapter, type SlackAdapter } from '../../src/adapters/slack/index.js';
import { createWebApp, listen } from '../../src/adapters/web/server.js';
import type { Actor } from '../../src/core/send-request.js';
import { buttonClick, postSlack, SIGNING_SECRET } from '../adapters/slack/slack-requests.js';
import { testDatabaseTargets } from '../fakes/database.js';
import { createTestApp, silentLogger, type TestApp } from '../fakes/harness.js';
import { refusedRelayUrl, startFakeRelay, type FakeRelay } from '../fakes/relay-server.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { pendingDraft, until } from './support.js';

/** The relay client's timeout, short so the timeout case is quick; the slow-relay case switches to the real 10 s. */
const TIMEOUT_MS = 200;

describe.each(testDatabaseTargets())('relay faults on $name', (target) => {
  let app: TestApp;
  let relay: FakeRelay;
  let slackApi: FakeSlackApi;
  let slack: SlackAdapter;
  let server: Server;
  let baseUrl: string;
  /** The next `refuseNext` relay attempts go to a port nobody listens on. */
  let refuseNext = 0;
  let patient = false;
  /** Requests and deliveries for one draft (a late answer from an earlier test may land any time). */
  const requestsFor = (key: string) => relay.requests.filter((r) => r.body?.idempotency_key === key);
  const deliveredFor = (key: string) => relay.delivered.filter((d) => d.idempotencyKey === key);

  beforeAll(async () => {
    relay = await startFakeRelay({ apiKey: 'relay-key' });
    const refused = await refusedRelayUrl();
    // An outage: the next `refuseNext` attempts are dispatched to a port nobody listens on.
    const withOutage = new Agent().compose((dispatch) => (opts, handler) =>
      dispatch(refuseNext-- > 0 ? { ...opts, origin: refused } : opts, handler));
    const client = (timeoutMs: number) => createHttpRelay({ baseUrl: relay.url, apiKey: 'relay-key', timeoutMs, dispatcher: withOutage });
    const [quick, slow] = [client(TIMEOUT_MS), client(10_000)];
    app = await createTestApp({
      database: await target.open(),
      relay: { dryRun: false, send: (message) => (patient ? slow : quick).send(message) },
      maxAttempts: 8,
    });
    slackApi = await startFakeSlackApi();
    slack = createSlackAdapter({
      bot: app.bot, clock: app.clock,
      logger: silentLogger, botToken: 'xoxb-test', signingSecret: SIGNING_SECRET, apiUrl: slackApi.apiUrl,
    });
    await slack.start();
    app.notifier.attach(slack);
    const web = createWebApp({
      bot: app.bot, metrics: createPrometheusMetrics({ processMetrics: false }), logger: silentLogger,
      host: '127.0.0.1', clock: app.clock, mount: (express) => express.use(slack.router!),
    });
    server = await listen(web, 0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    app.worker.start();
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await slack?.stop();
    await app?.close();
    await relay?.close();
    await slackApi?.close();
  });

  const finalStatus = (id: string) =>
    until(async () => {
      const draft = await app.bot.getDraft(id);
      return (draft?.status === 'sent' || draft?.status === 'failed') && draft;
    }, `draft ${id} to be sent or failed`);

  it('sends exactly once through connection refused, 503, 429 with Retry-After and a timeout, auditing every attempt', async () => {
    const draft = await pendingDraft(app.stores, app.clock.now());
    refuseNext = 1;
    // The slow answer is one the relay acted on but relaybot never heard: the retry must not send it twice.
    // (undici checks its timeouts on a timer of about a second, so "late" means well past that.)
    relay.script(503, { status: 429, headers: { 'retry-after': '1' } }, { status: 200, delayMs: TIMEOUT_MS + 2_000 });

    await app.bot.confirm(draft.id, draft.requester);
    const done = await finalStatus(draft.id);

    expect(done.status).toBe('sent');
    // Refused attempts never reach the relay; the other four do, all with the draft's one key.
    expect(requestsFor(draft.idempotencyKey)).toHaveLength(4);
    expect(deliveredFor(draft.idempotencyKey)).toHaveLength(1);

    const audit = (await app.stores.audit.list({ draftId: draft.id })).reverse();
    const attempts = audit.filter((e) => e.action === 'delivery.retry' || e.action === 'delivery.sent');
    expect(attempts.map((e) => [e.action, e.details.attempt])).toEqual([
      ['delivery.retry', 1], ['delivery.retry', 2], ['delivery.retry', 3], ['delivery.retry', 4], ['delivery.sent', 5],
    ]);
    expect(attempts.map((e) => e.details.error)).toEqual([
      expect.stringMatching(/Could not reach the relay .*ECONNREFUSED/),
      'The relay had a problem on its side (HTTP 503).',
      'The relay is limiting how fast relaybot may send (HTTP 429).',
      expect.stringMatching(/did not answer within 200 ms/),
      undefined,
    ]);
    // Retry-After was honoured.
    expect(attempts[2]!.details.retryInMs).toBeGreaterThanOrEqual(1000);
    expect(done.attempts).toBe(5);
  });

  it('gives up on a relay that keeps failing, and the draft says why', async () => {
    const draft = await pendingDraft(app.stores, app.clock.now());
    relay.script(...Array.from({ length: 8 }, () => 502));

    await app.bot.confirm(draft.id, draft.requester);
    const done = await finalStatus(draft.id);

    expect(done).toMatchObject({ status: 'failed', failureReason: 'The relay had a problem on its side (HTTP 502). (gave up after 8 attempts)' });
    expect(requestsFor(draft.idempotencyKey)).toHaveLength(8);
    expect(deliveredFor(draft.idempotencyKey)).toHaveLength(0);
  });

  it('answers the web confirm and the Slack Send button before a 2-second relay answers', async () => {
    patient = true;
    relay.script({ status: 200, delayMs: 2000 }, { status: 200, delayMs: 2000 });
    const webDraft = await pendingDraft(app.stores, app.clock.now());
    const alice: Actor = { platform: 'slack', userId: 'U0ALICE01', name: 'alice' };
    const slackDraft = await app.stores.drafts.create(
      { channel: 'sms', to: '+15551234567', text: 'Release 4.2 is out.', subject: null, requester: alice,
        conversation: { platform: 'slack', chatId: 'C0DEPLOY1', workspaceId: 'T0RELAY01' }, ttlMs: 900_000 },
      app.clock.now(),
      { actor: alice, action: 'draft.created' },
    );

    const answered = () => deliveredFor(webDraft.idempotencyKey).length + deliveredFor(slackDraft.idempotencyKey).length;
    const [web, click] = await Promise.all([
      fetch(`${baseUrl}/api/drafts/${webDraft.id}/confirm`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: webDraft.requester.userId }),
      }).then(async (res) => ({ status: res.status, body: await res.json(), relayAnswered: answered() })),
      postSlack(baseUrl, buttonClick({ actionId: 'draft_confirm', draftId: slackDraft.id, responseUrl: slackApi.responseUrl('click') }))
        .then((res) => ({ status: res.status, relayAnswered: answered() })),
    ]);

    // Both clicks were answered while the relay had not yet answered anything.
    expect(web).toMatchObject({ status: 202, relayAnswered: 0 });
    expect(web.body.draft.status).toMatch(/confirmed|sending/);
    expect(click).toMatchObject({ status: 200, relayAnswered: 0 });
    expect((await finalStatus(webDraft.id)).status).toBe('sent');
    expect((await finalStatus(slackDraft.id)).status).toBe('sent');
    // One request each: the relay's slowness caused no retry.
    expect(requestsFor(webDraft.idempotencyKey)).toHaveLength(1);
    expect(requestsFor(slackDraft.idempotencyKey)).toHaveLength(1);
    expect(answered()).toBe(2);
  });
});
