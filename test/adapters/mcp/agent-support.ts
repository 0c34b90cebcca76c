/**
 * Shared pieces of the agent (MCP) tests: a policy file with an `agents`
 * section, an MCP SDK client on a server's `/mcp`, and the draft id and
 * version a card posted to Slack carries on its Send button.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FakeSlackApi } from '../../fakes/slack-api.js';

export const CI_TOKEN = 'ci-agent-token-0123456789';
export const OTHER_TOKEN = 'other-agent-token-9876543210';
export const AGENT_TOKENS = `ci=${CI_TOKEN},other=${OTHER_TOKEN}`;
export const APPROVER = 'UAPPROVE1';
export const APPROVALS_CHANNEL = 'CAPPROVALS';

/** Write a policy file (JSON) and return its path. */
export function policyFile(policy: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'relaybot-agents-'));
  const path = join(dir, 'policy.json');
  writeFileSync(path, JSON.stringify(policy));
  return path;
}

export const AGENT_POLICY = {
  recipients: ['+1555*', '*@example.com'],
  agents: { approvers: [`slack:${APPROVER}`, 'web:alice'], notify: [`slack:${APPROVALS_CHANNEL}`, 'web'] },
};

/** An MCP client connected to `<base>/mcp` with this bearer token (none: the loopback-only mode). */
export async function connectAgent(base: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'relaybot-test-agent', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
    requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : {},
  });
  await client.connect(transport);
  return client;
}

/** The cards posted into a Slack channel: each one's draft id and version (from its Send button) and its ts. */
export function slackCards(slack: FakeSlackApi, channel: string): { draftId: string; version: number; text: string }[] {
  return slack
    .callsTo('chat.postMessage')
    .filter((c) => c.body.channel === channel && Array.isArray(c.body.blocks))
    .map((c) => {
      const actions = c.body.blocks.find((b: any) => b.type === 'actions');
      const value: string = actions.elements[0].value;
      const [draftId, version] = value.split(':');
      return { draftId: draftId!, version: Number(version), text: JSON.stringify(c.body.blocks) };
    });
}

/** Every chat.update of a card in `channel`, as block JSON. */
export function cardUpdates(slack: FakeSlackApi, channel: string): string[] {
  return slack.callsTo('chat.update').filter((c) => c.body.channel === channel).map((c) => JSON.stringify(c.body.blocks));
}

/** The environment of a server whose agents' cards go to the approvals channel of this fake Slack, relaying to this fake relay. */
export function agentServerEnv(slack: Pick<FakeSlackApi, 'apiUrl'>, relayUrl: string, signingSecret: string): Record<string, string> {
  return {
    RELAYBOT_DATA_DIR: 'memory://',
    POLICY_FILE: policyFile(AGENT_POLICY),
    AGENT_TOKENS,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    RELAY_BASE_URL: relayUrl,
    RELAY_API_KEY: 'relay-key',
  };
}
