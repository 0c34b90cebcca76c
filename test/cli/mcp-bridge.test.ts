/**
 * `relaybot mcp --url …`: an MCP client that only starts stdio servers (the
 * SDK's StdioClientTransport, as Claude Desktop does) reaches the server's
 * /mcp through the CLI bridge, with the agent token from RELAYBOT_AGENT_TOKEN.
 * Also: without AGENT_TOKENS, /mcp answers this machine as `agent:local`.
 */
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllChildren, startServer, type ChildServer } from '../reliability/child-server.js';
import { AGENT_TOKENS, CI_TOKEN, connectAgent, policyFile } from '../adapters/mcp/agent-support.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

describe('the stdio bridge and the loopback-only mode', () => {
  let withTokens: ChildServer;
  let open: ChildServer;

  beforeAll(async () => {
    const policy = policyFile({ agents: { approvers: ['web:alice'], notify: ['web'] } });
    [withTokens, open] = await Promise.all([
      startServer({ RELAYBOT_DATA_DIR: 'memory://', POLICY_FILE: policy, AGENT_TOKENS }),
      startServer({ RELAYBOT_DATA_DIR: 'memory://', POLICY_FILE: policy }),
    ]);
  });
  afterAll(() => killAllChildren());

  const bridged = async (url: string, token?: string) => {
    const client = new Client({ name: 'stdio-agent', version: '1.0.0' });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['src/cli/bin.mjs', 'mcp', '--url', `${url}/mcp`],
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...(token ? { RELAYBOT_AGENT_TOKEN: token } : {}) },
      stderr: 'pipe',
    });
    await client.connect(transport);
    return client;
  };

  it('carries tools and calls over stdio, as the agent its token names', async () => {
    const client = await bridged(withTokens.url, CI_TOKEN);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(['cancel_send', 'get_send_status', 'request_send']);
      const asked = (await client.callTool({ name: 'request_send', arguments: { channel: 'email', to: 'ops@example.com', subject: 'Hi', text: 'Over stdio.', reason: 'bridge test' } })) as any;
      expect(asked.isError).toBeFalsy();
      expect(asked.structuredContent).toMatchObject({ status: 'pending', reason: 'bridge test' });
      const inbox = (await (await fetch(`${withTokens.url}/api/inbox?userId=alice`)).json()) as { awaitingYou: any[] };
      expect(inbox.awaitingYou.find((d) => d.id === asked.structuredContent.draftId)).toMatchObject({ requester: { platform: 'agent', userId: 'ci' } });
      const cancelled = (await client.callTool({ name: 'cancel_send', arguments: { draftId: asked.structuredContent.draftId } })) as any;
      expect(cancelled.structuredContent).toMatchObject({ status: 'cancelled', decidedBy: 'agent:ci' });
    } finally {
      await client.close();
    }
  });

  it('answers the stdio client with an error, not silence, when the token is wrong', async () => {
    await expect(bridged(withTokens.url, 'wrong-token-0123456789')).rejects.toThrow();
  });

  it('without AGENT_TOKENS, lets this machine in as agent:local and refuses a foreign Host header', async () => {
    const client = await connectAgent(open.url);
    try {
      const asked = (await client.callTool({ name: 'request_send', arguments: { words: 'email ops@example.com subject Local: it works', reason: 'local' } })) as any;
      expect(asked.isError).toBeFalsy();
      const audit = (await (await fetch(`${open.url}/api/audit?draftId=${asked.structuredContent.draftId}`)).json()) as { entries: any[] };
      expect(audit.entries.find((e) => e.action === 'draft.created')).toMatchObject({ actor: { platform: 'agent', userId: 'local' } });
    } finally {
      await client.close();
    }
    // DNS rebinding: a page on another name that resolves here must not get in.
    const port = new URL(open.url).port;
    const res = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: { host: `evil.example:${port}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' } }, (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end('{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
      }, reject);
    });
    expect(res).toBe(403);
  });

  it('refuses to start off loopback without AGENT_TOKENS', async () => {
    await expect(startServer({ RELAYBOT_DATA_DIR: 'memory://', HOST: '0.0.0.0', WEB_API_TOKEN: 'w'.repeat(32) })).rejects.toThrow(/AGENT_TOKENS: required when HOST is not loopback/);
  });
});
