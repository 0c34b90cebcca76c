/**
 * Tracing across processes: a Slack slash command handled by one server
 * process, the Send click by another, both on one PostgreSQL, both exporting
 * (http/protobuf, the default) to an in-process OTLP receiver. The click's
 * decision and the delivery link to the command's trace through the
 * traceparent stored with the draft. Runs only with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets, TEST_AUDIT_KEY, type TestDatabase } from '../fakes/database.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../fakes/otlp-receiver.js';
import { startFakeRelay, type FakeRelay } from '../fakes/relay-server.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { buttonClick, postSlack, SIGNING_SECRET, slashCommand } from '../adapters/slack/slack-requests.js';
import { killAllChildren, startServer, type ChildServer } from '../reliability/child-server.js';
import { databaseUrl } from '../reliability/replicas.js';
import { until } from '../reliability/support.js';

const postgres = testDatabaseTargets().find((t) => t.name === 'postgres');
if (!postgres) console.log('slack-replicas-trace: skipped — set TEST_DATABASE_URL to run two server processes on one PostgreSQL');

const TEXT = 'Heron migration report is ready';
const NUMBER = '+15557654321';
const RESPONSE_SECRET = 'aB3dE5fG7hJ9kL1mN3pQ5rS7';

describe.skipIf(!postgres)('a Slack command on one process and its click on another, traced', () => {
  let database: TestDatabase;
  let otlp: OtlpReceiver;
  let relay: FakeRelay;
  let slack: FakeSlackApi;
  let one: ChildServer;
  let two: ChildServer;

  beforeAll(async () => {
    database = await postgres!.open();
    [otlp, relay, slack] = await Promise.all([startOtlpReceiver(), startFakeRelay({ apiKey: 'relay-key' }), startFakeSlackApi()]);
    const env = {
      DATABASE_URL: databaseUrl(database),
      AUDIT_KEY: TEST_AUDIT_KEY,
      RELAY_BASE_URL: relay.url,
      RELAY_API_KEY: 'relay-key',
      SLACK_BOT_TOKEN: 'xoxb-trace-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${otlp.url}/v1/traces`,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    // Each process names itself, so the spans show which one did what.
    [one, two] = await Promise.all([startServer({ ...env, OTEL_SERVICE_NAME: 'relaybot-one' }), startServer({ ...env, OTEL_SERVICE_NAME: 'relaybot-two' })]);
  });
  afterAll(async () => {
    await killAllChildren();
    await Promise.all([otlp?.close(), relay?.close(), slack?.close()]);
    await database?.drop();
  });

  it('links the click on the second process, and the delivery, to the command traced on the first', async () => {
    // Shaped like Slack's own (…/commands/<team>/<id>/<secret>): the secret must not reach a span.
    const commandUrl = `${slack.url}/commands/T0RELAY01/1234567890/${RESPONSE_SECRET}`;
    expect((await postSlack(one.url, slashCommand({ text: `text ${NUMBER} ${TEXT}`, responseUrl: commandUrl }))).status).toBe(200);
    const card = await until(() => JSON.stringify(slack.responsesTo(commandUrl)).match(/"value":"([0-9a-f-]{36}):1"/), 'the draft card');
    const draftId = card[1]!;

    const click = buttonClick({ actionId: 'draft_confirm', draftId, version: 1, responseUrl: slack.responseUrl('trace-click') });
    expect((await postSlack(two.url, click)).status).toBe(200);

    const of = (spans: ReceivedSpan[], name: string) => spans.filter((s) => s.name === name && s.attributes['relaybot.draft.id'] === draftId);
    const spans = await otlp.waitFor((all) => of(all, 'relaybot.delivery').length === 1 && of(all, 'relaybot.decision').length === 1 && of(all, 'relaybot.card.post').length === 1);
    expect(new Set(otlp.contentTypes)).toEqual(new Set(['application/x-protobuf']));

    // The command's trace, on process one: HTTP request → slack.command → message → understanding, policy, draft write (with its SQL) and the card post.
    const [message] = of(spans, 'relaybot.message');
    expect(message!.resource['service.name']).toBe('relaybot-one');
    const commandTrace = spans.filter((s) => s.traceId === message!.traceId);
    const command = commandTrace.find((s) => s.name === 'slack.command')!;
    expect(command.attributes).toMatchObject({ 'relaybot.slack.command': '/send', 'session.id': 'C0DEPLOY1', 'user.id': 'slack:U0ALICE01' });
    expect(commandTrace.find((s) => s.parentSpanId === '')).toMatchObject({ kind: 2, attributes: expect.objectContaining({ 'url.path': '/slack/events' }) });
    expect(message!.parentSpanId).toBe(command.spanId);
    expect(message!.attributes).toMatchObject({ 'session.id': 'C0DEPLOY1', 'user.id': 'slack:U0ALICE01', 'langfuse.session.id': 'C0DEPLOY1', 'langfuse.user.id': 'slack:U0ALICE01' });
    expect(of(spans, 'relaybot.card.post')[0]!.traceId).toBe(message!.traceId);
    const write = commandTrace.find((s) => s.name === 'relaybot.draft.write')!;
    // The draft's INSERT, under the draft write, from the pg instrumentation.
    expect(commandTrace.some((s) => s.parentSpanId === write.spanId && s.kind === 3 && (s.attributes['db.system.name'] ?? s.attributes['db.system']) === 'postgresql')).toBe(true);

    // The click, on process two, in its own trace (under slack.interaction) linked to the command's.
    const [decision] = of(spans, 'relaybot.decision');
    expect(decision!.resource['service.name']).toBe('relaybot-two');
    expect(decision!.traceId).not.toBe(message!.traceId);
    expect(spans.find((s) => s.spanId === decision!.parentSpanId)?.name).toBe('slack.interaction');
    expect(decision!.links).toEqual([expect.objectContaining({ traceId: message!.traceId, spanId: message!.spanId })]);

    // The delivery (whichever process claimed it) links to it too, and the relay saw its traceparent.
    const [delivery] = of(spans, 'relaybot.delivery');
    expect(delivery!.links).toEqual([expect.objectContaining({ traceId: message!.traceId, spanId: message!.spanId })]);
    const [post] = relay.requests.filter((r) => r.body?.idempotency_key === `relaybot-${draftId}`);
    expect(post!.headers.traceparent).toMatch(new RegExp(`^00-${delivery!.traceId}-[0-9a-f]{16}-01$`));

    // No span of either process holds the words or the number, nor a response_url's secret path.
    const exported = JSON.stringify(otlp.spans);
    expect(exported).not.toContain('Heron');
    expect(exported).not.toContain('5557654321');
    expect(exported).not.toContain(RESPONSE_SECRET);
    expect(spans.some((s) => String(s.attributes['url.full']).endsWith('/T0RELAY01/1234567890/[redacted]'))).toBe(true);
  });
});
