/**
 * Agents' drafts across replicas: two server processes on one PostgreSQL.
 * An agent asks on one; approvers click on both at once; exactly one decision
 * wins and the relay is called once; an agent waiting on one replica hears
 * of an approval made on the other (its wait re-reads the database). Runs only when
 * TEST_DATABASE_URL is set.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_AUDIT_KEY, testDatabaseTargets, type TestDatabase } from '../../fakes/database.js';
import { startFakeRelay, type FakeRelay } from '../../fakes/relay-server.js';
import { startFakeSlackApi, type FakeSlackApi } from '../../fakes/slack-api.js';
import { killAllChildren, startServer, type ChildServer } from '../../reliability/child-server.js';
import { databaseUrl } from '../../reliability/replicas.js';
import { until } from '../../reliability/support.js';
import { buttonClick, postSlack, SIGNING_SECRET } from '../slack/slack-requests.js';
import { APPROVALS_CHANNEL, agentServerEnv, APPROVER, CI_TOKEN, connectAgent, slackCards } from './agent-support.js';

const postgres = testDatabaseTargets().find((t) => t.name === 'postgres');

type ToolResult = { isError?: boolean; content: { text?: string }[]; structuredContent?: Record<string, any> };

describe.skipIf(!postgres)('agents across two replicas on PostgreSQL', () => {
  let database: TestDatabase;
  let slack: FakeSlackApi;
  let relay: FakeRelay;
  let one: ChildServer;
  let two: ChildServer;
  let onOne: Client;
  let onTwo: Client;

  beforeAll(async () => {
    database = await postgres!.open();
    [slack, relay] = await Promise.all([startFakeSlackApi(), startFakeRelay({ apiKey: 'relay-key' })]);
    const env = {
      DATABASE_URL: databaseUrl(database),
      AUDIT_KEY: TEST_AUDIT_KEY,
      ...agentServerEnv(slack, relay.url, SIGNING_SECRET),
    };
    [one, two] = await Promise.all([startServer(env), startServer(env)]);
    [onOne, onTwo] = await Promise.all([connectAgent(one.url, CI_TOKEN), connectAgent(two.url, CI_TOKEN)]);
  });
  afterAll(async () => {
    await Promise.allSettled([onOne?.close(), onTwo?.close()]);
    await killAllChildren();
    await Promise.allSettled([slack?.close(), relay?.close()]);
    await database?.drop();
  });

  const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as ToolResult;

  it('lets exactly one of four simultaneous approvals (web and Slack, on both replicas) win, and relays once', async () => {
    const asked = (await call(onOne, 'request_send', { channel: 'sms', to: '+15551239001', text: 'Failover complete.', reason: 'ops runbook' })).structuredContent!;
    const card = await until(() => slackCards(slack, APPROVALS_CHANNEL).find((c) => c.draftId === asked.draftId), 'the card in the approvals channel');

    const webConfirm = (server: ChildServer) =>
      fetch(`${server.url}/api/drafts/${asked.draftId}/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'alice', version: card.version }),
      }).then((r) => r.status);
    const slackConfirm = (server: ChildServer) =>
      postSlack(server.url, buttonClick({ actionId: 'draft_confirm', draftId: asked.draftId, version: card.version, user: APPROVER, ephemeral: false, responseUrl: slack.responseUrl(`race-${server.pid}`) }));
    const [webOne, webTwo] = await Promise.all([webConfirm(one), webConfirm(two), slackConfirm(one), slackConfirm(two)]);
    // Of the web approvals at most one won; the Slack clicks raced them too. Exactly one decision stands.
    expect([webOne, webTwo].filter((s) => s === 202).length).toBeLessThanOrEqual(1);

    await until(async () => (await call(onTwo, 'get_send_status', { draftId: asked.draftId })).structuredContent?.status === 'sent', 'sent, as seen from replica two');
    expect(relay.requests.filter((r) => r.body?.to === '+15551239001')).toHaveLength(1);
    expect(relay.delivered.filter((d) => d.body?.to === '+15551239001')).toHaveLength(1);
    const status = (await call(onTwo, 'get_send_status', { draftId: asked.draftId })).structuredContent!;
    expect(['web:alice', `slack:${APPROVER}`]).toContain(status.decidedBy);

    const audit = (await (await fetch(`${two.url}/api/audit?draftId=${asked.draftId}`)).json()) as { entries: { action: string }[] };
    expect(audit.entries.filter((e) => e.action === 'draft.confirmed')).toHaveLength(1);
  });

  it('wakes a wait on one replica when the approval lands on the other', async () => {
    const waiting = call(onTwo, 'request_send', { channel: 'sms', to: '+15551239003', text: 'Wait across replicas.', reason: 'cross', wait_seconds: 60 });
    const card = await until(() => slackCards(slack, APPROVALS_CHANNEL).find((c) => c.text.includes('Wait across replicas.')), 'the card');
    const res = await fetch(`${one.url}/api/drafts/${card.draftId}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'alice', version: card.version }),
    });
    expect(res.status).toBe(202);
    expect((await waiting).structuredContent).toMatchObject({ draftId: card.draftId, status: 'sent', decidedBy: 'web:alice' });
    expect(relay.requests.filter((r) => r.body?.to === '+15551239003')).toHaveLength(1);
  });
});
