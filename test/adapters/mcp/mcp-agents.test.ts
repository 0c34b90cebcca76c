/**
 * Agents over MCP, end to end: the real server process (`npm start`) with
 * Slack (fake Web API) and the fake relay, driven by the MCP SDK's own Client
 * over Streamable HTTP. An agent asks; its card goes to the approvers' Slack
 * channel and the web inbox; a listed person presses Send on the version the
 * agent proposed; the relay is called once; the agent reads the outcome.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRelay, type FakeRelay } from '../../fakes/relay-server.js';
import { startFakeSlackApi, type FakeSlackApi } from '../../fakes/slack-api.js';
import { killAllChildren, startServer, type ChildServer } from '../../reliability/child-server.js';
import { until } from '../../reliability/support.js';
import { buttonClick, postSlack, SIGNING_SECRET } from '../slack/slack-requests.js';
import { APPROVALS_CHANNEL, agentServerEnv, APPROVER, CI_TOKEN, OTHER_TOKEN, cardUpdates, connectAgent, slackCards } from './agent-support.js';

type ToolResult = { isError?: boolean; content: { type: string; text?: string }[]; structuredContent?: Record<string, any> };

describe('agents over MCP (server process, Slack channel and web inbox)', () => {
  let slack: FakeSlackApi;
  let relay: FakeRelay;
  let server: ChildServer;
  let ci: Client;
  let other: Client;

  beforeAll(async () => {
    [slack, relay] = await Promise.all([startFakeSlackApi(), startFakeRelay({ apiKey: 'relay-key' })]);
    server = await startServer(agentServerEnv(slack, relay.url, SIGNING_SECRET));
    [ci, other] = await Promise.all([connectAgent(server.url, CI_TOKEN), connectAgent(server.url, OTHER_TOKEN)]);
  });
  afterAll(async () => {
    await Promise.allSettled([ci?.close(), other?.close()]);
    await killAllChildren();
    await Promise.allSettled([slack?.close(), relay?.close()]);
  });

  const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as ToolResult;
  const cardFor = (draftId: string) => until(() => slackCards(slack, APPROVALS_CHANNEL).find((c) => c.draftId === draftId), `a card for ${draftId} in ${APPROVALS_CHANNEL}`);
  const click = (draftId: string, version: number, user: string, actionId: 'draft_confirm' | 'draft_cancel' = 'draft_confirm') =>
    postSlack(server.url, buttonClick({ actionId, draftId, version, user, userName: user.toLowerCase(), ephemeral: false, responseUrl: slack.responseUrl(`click-${draftId}-${user}`) }));
  const inbox = async (userId: string) => (await fetch(`${server.url}/api/inbox?userId=${userId}`)).json() as Promise<{ awaitingYou: any[]; yours: any[] }>;
  const status = async (client: Client, draftId: string) => (await call(client, 'get_send_status', { draftId })).structuredContent!;

  it('lists the three tools with input and output schemas, and none that approves', async () => {
    const { tools } = await ci.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['cancel_send', 'get_send_status', 'request_send']);
    for (const tool of tools) expect(tool.outputSchema).toMatchObject({ type: 'object' });
    expect(Object.keys(tools.find((t) => t.name === 'request_send')!.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['channel', 'to', 'text', 'subject', 'words', 'reason', 'wait_seconds']),
    );
  });

  it('refuses /mcp without a valid agent token', async () => {
    await expect(connectAgent(server.url, 'not-a-token-of-anyone')).rejects.toThrow();
    const res = await fetch(`${server.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'denied:token' });
  });

  it('sends only after a listed approver presses Send on the proposed version, exactly once, and says who asked, why and who approved', async () => {
    const asked = await call(ci, 'request_send', { channel: 'sms', to: '+15551230001', text: 'Build 812 is green.', reason: 'CI finished the nightly build' });
    expect(asked.isError).toBeFalsy();
    const draft = asked.structuredContent!;
    expect(draft).toMatchObject({ status: 'pending', version: 1, reason: 'CI finished the nightly build', approvers: [`slack:${APPROVER}`, 'web:alice'] });

    // The card in the approvers' channel names the agent and its reason; so does the inbox.
    const card = await cardFor(draft.draftId);
    expect(card.version).toBe(1);
    expect(card.text).toContain('Requested by agent ci');
    expect(card.text).toContain('CI finished the nightly build');
    const aliceInbox = await inbox('alice');
    expect(aliceInbox.awaitingYou.map((d) => d.id)).toContain(draft.draftId);
    expect(aliceInbox.awaitingYou.find((d) => d.id === draft.draftId).card.fields).toContainEqual({ label: 'Reason', value: 'CI finished the nightly build' });
    // Someone who is not an approver sees nothing to decide.
    expect((await inbox('bob')).awaitingYou).toEqual([]);

    // A person not on the list is refused; nothing is sent.
    await click(draft.draftId, 1, 'UNOTLISTED');
    await until(() => slack.responsesTo(slack.responseUrl(`click-${draft.draftId}-UNOTLISTED`)).some((c) => /Only an approver of agents' requests/.test(c.body.text)), 'the refusal to the stranger');
    expect((await status(ci, draft.draftId)).status).toBe('pending');

    await click(draft.draftId, 1, APPROVER);
    await until(async () => (await status(ci, draft.draftId)).status === 'sent', 'the draft sent');
    const done = await status(ci, draft.draftId);
    expect(done).toMatchObject({ status: 'sent', decidedBy: `slack:${APPROVER}`, reason: 'CI finished the nightly build' });
    // When it went out, from the audit's delivery.sent entry.
    expect(Date.parse(String(done.sentAt))).toBeGreaterThanOrEqual(Date.parse(String(done.decidedAt)));
    expect(relay.requests.filter((r) => r.body?.to === '+15551230001')).toHaveLength(1);
    // The channel's card shows the outcome.
    await until(() => cardUpdates(slack, APPROVALS_CHANNEL).some((u) => u.includes('Sent to') && u.includes(`Approved by ${APPROVER.toLowerCase()}`)), 'the card redrawn as sent');
    // The audit names the agent (with its reason) and the approver.
    const audit = (await (await fetch(`${server.url}/api/audit?draftId=${draft.draftId}`)).json()) as { entries: any[] };
    const created = audit.entries.find((e) => e.action === 'draft.created');
    expect(created).toMatchObject({ actor: { platform: 'agent', userId: 'ci' }, details: { reason: 'CI finished the nightly build' } });
    expect(audit.entries.find((e) => e.action === 'draft.confirmed')).toMatchObject({ actor: { platform: 'slack', userId: APPROVER }, details: { version: 1 } });
    expect(audit.entries.find((e) => e.action === 'decision.refused')).toMatchObject({ actor: { userId: 'UNOTLISTED' } });
  });

  it('answers refusals as tool errors with the sentence a person would read', async () => {
    const notAllowed = await call(ci, 'request_send', { channel: 'sms', to: '+442071234567', text: 'Hello', reason: 'test' });
    expect(notAllowed.isError).toBe(true);
    expect(notAllowed.content[0]!.text).toMatch(/is not on the recipient allowlist/);
    const badNumber = await call(ci, 'request_send', { channel: 'sms', to: 'not a number', text: 'Hello' });
    expect(badNumber.isError).toBe(true);
    expect(badNumber.content[0]!.text).toMatch(/number/i);
    const incomplete = await call(ci, 'request_send', { channel: 'email', text: 'Hello' });
    expect(incomplete).toMatchObject({ isError: true, content: [{ text: 'to: required with a structured request (channel, to and text).' }] });
    const outOfRange = await call(ci, 'request_send', { channel: 'sms', to: '+15551230002', text: 'x', wait_seconds: 301 });
    expect(outOfRange.isError).toBe(true);
  });

  it('understands plain words like chat does', async () => {
    const asked = await call(ci, 'request_send', { words: 'text +15551230003 the deploy is done', reason: 'deploy pipeline' });
    expect(asked.isError).toBeFalsy();
    const card = await cardFor(asked.structuredContent!.draftId);
    expect(card.text).toContain('the deploy is done');
    await call(ci, 'cancel_send', { draftId: asked.structuredContent!.draftId });
  });

  it('never lets an agent approve, nor touch another agent\'s request', async () => {
    const asked = (await call(ci, 'request_send', { channel: 'email', to: 'ops@example.com', subject: 'Nightly', text: 'All good.', reason: 'report' })).structuredContent!;
    // No tool approves, whatever the name.
    const approve = await ci.callTool({ name: 'approve_send', arguments: { draftId: asked.draftId } }).catch((e: Error) => ({ isError: true, content: [{ type: 'text', text: e.message }] }));
    expect(approve.isError).toBe(true);
    // Another agent can neither read nor cancel it: for it, the draft does not exist.
    const peek = await call(other, 'get_send_status', { draftId: asked.draftId });
    expect(peek).toMatchObject({ isError: true, content: [{ text: 'That draft does not exist (any more).' }] });
    expect(await call(other, 'cancel_send', { draftId: asked.draftId })).toMatchObject({ isError: true });
    // An approver must name the version: a web confirm without one is refused.
    const unversioned = await fetch(`${server.url}/api/drafts/${asked.draftId}/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'alice' }) });
    expect(unversioned.status).toBe(400);
    expect(((await unversioned.json()) as { error: string }).error).toMatch(/say which version/);
    expect((await status(ci, asked.draftId)).status).toBe('pending');
    await call(ci, 'cancel_send', { draftId: asked.draftId });
  });

  it('waits for the decision with wait_seconds, and returns the pending status when the wait ends first', async () => {
    const short = Date.now();
    const waited = await call(ci, 'request_send', { channel: 'sms', to: '+15551230004', text: 'Short wait', wait_seconds: 1 });
    expect(Date.now() - short).toBeGreaterThanOrEqual(900);
    expect(waited.structuredContent).toMatchObject({ status: 'pending' });
    await call(ci, 'cancel_send', { draftId: waited.structuredContent!.draftId });

    const waiting = call(ci, 'request_send', { channel: 'sms', to: '+15551230005', text: 'Wait for me', reason: 'waiting', wait_seconds: 60 });
    const pending = await until(async () => (await inbox('alice')).awaitingYou.find((d) => d.text === 'Wait for me'), 'the waiting draft in the inbox');
    const confirmed = await fetch(`${server.url}/api/drafts/${pending.id}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'alice', version: pending.version }),
    });
    expect(confirmed.status).toBe(202);
    const outcome = await waiting;
    expect(outcome.structuredContent).toMatchObject({ draftId: pending.id, status: 'sent', decidedBy: 'web:alice' });
    expect(relay.requests.filter((r) => r.body?.to === '+15551230005')).toHaveLength(1);
  });

  it('cancels its own pending request: nothing is sent, the card says so, and it leaves the inbox', async () => {
    const asked = (await call(ci, 'request_send', { channel: 'sms', to: '+15551230006', text: 'Never mind', reason: 'oops' })).structuredContent!;
    await cardFor(asked.draftId);
    const cancelled = await call(ci, 'cancel_send', { draftId: asked.draftId });
    expect(cancelled.structuredContent).toMatchObject({ status: 'cancelled', decidedBy: 'agent:ci' });
    await until(() => cardUpdates(slack, APPROVALS_CHANNEL).some((u) => u.includes('Cancelled') && u.includes('Never mind')), 'the card redrawn as cancelled');
    expect((await inbox('alice')).awaitingYou.map((d) => d.id)).not.toContain(asked.draftId);
    // Too late for anyone to approve it now.
    await click(asked.draftId, 1, APPROVER);
    await until(() => slack.responsesTo(slack.responseUrl(`click-${asked.draftId}-${APPROVER}`)).some((c) => /already cancelled/.test(c.body.text)), 'the late click refused');
    expect(relay.requests.filter((r) => r.body?.to === '+15551230006')).toHaveLength(0);
    expect(await call(ci, 'cancel_send', { draftId: asked.draftId })).toMatchObject({ isError: true, content: [{ text: expect.stringMatching(/already cancelled/) }] });
  });
});
