/**
 * An agent's MCP call is one trace too: the real server exporting to an
 * in-process OTLP receiver shows a span per tool call, named for the tool and
 * carrying the agent as user and session, with the draft write inside it —
 * and, without content capture, neither the message text nor the number.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../fakes/otlp-receiver.js';
import { AGENT_TOKENS, CI_TOKEN, connectAgent, policyFile } from '../adapters/mcp/agent-support.js';
import { killAllChildren, startServer, type ChildServer } from '../reliability/child-server.js';

const NUMBER = '+15557650001';
const TEXT = 'The osprey circles twice';

describe('tracing an MCP tool call', () => {
  let otlp: OtlpReceiver;
  let server: ChildServer;
  let dataDir: string;

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    dataDir = mkdtempSync(join(tmpdir(), 'relaybot-mcp-trace-'));
    server = await startServer({
      RELAYBOT_DATA_DIR: dataDir,
      AGENT_TOKENS,
      POLICY_FILE: policyFile({ agents: { approvers: ['web:alice'], notify: ['web'] } }),
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
  });
  afterAll(async () => {
    await killAllChildren();
    await otlp?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('records request_send as a span of the MCP request, with the agent as user and the draft written inside it', async () => {
    const agent = await connectAgent(server.url, CI_TOKEN);
    const result = await agent.callTool({ name: 'request_send', arguments: { channel: 'sms', to: NUMBER, text: TEXT, reason: 'trace check' } });
    await agent.close();
    expect(result.isError).toBeFalsy();
    const draftId = (result.structuredContent as { draftId: string }).draftId;

    const spans = await otlp.waitFor((all) => all.some((s) => s.name === 'mcp.tool request_send') && all.some((s) => s.name === 'relaybot.draft.write'));
    const tool = spans.find((s) => s.name === 'mcp.tool request_send')!;
    expect(tool.attributes).toMatchObject({ 'mcp.tool.name': 'request_send', 'user.id': 'agent:ci', 'langfuse.user.id': 'agent:ci' });
    const message = spans.find((s) => s.name === 'relaybot.message' && s.parentSpanId === tool.spanId);
    expect(message?.attributes['relaybot.draft.id']).toBe(draftId);
    expect(spans.some((s) => s.name === 'relaybot.draft.write' && s.traceId === tool.traceId)).toBe(true);
    const everything = JSON.stringify(spans);
    expect(everything).not.toContain(TEXT);
    expect(everything).not.toContain(NUMBER.slice(1));
  });
});
