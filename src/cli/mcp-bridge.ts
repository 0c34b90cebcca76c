/**
 * `relaybot mcp --url http://127.0.0.1:3000/mcp`: for MCP clients that only
 * start stdio servers (Claude Desktop, Cursor's command entries). Messages
 * from stdin go to relaybot's `/mcp` over Streamable HTTP and the answers come
 * back on stdout, unchanged. The agent token comes from RELAYBOT_AGENT_TOKEN
 * (an environment variable, so it never shows in a process list).
 */
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { isJSONRPCRequest, isJSONRPCResultResponse, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** Bridge stdio to `url` until stdin closes; resolves then. */
export async function runMcpBridge(url: URL, token: string | undefined): Promise<void> {
  const local = new StdioServerTransport();
  const remote = new StreamableHTTPClientTransport(url, {
    requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : {},
  });
  const initializeIds = new Set<string | number>();

  local.onmessage = (message: JSONRPCMessage) => {
    if (isJSONRPCRequest(message) && message.method === 'initialize') initializeIds.add(message.id);
    remote.send(message).catch((err: unknown) => {
      const why = err instanceof Error ? err.message : String(err);
      process.stderr.write(`relaybot mcp: ${url.origin} did not take a message: ${why}\n`);
      // A request must get an answer, or the client waits forever.
      if (isJSONRPCRequest(message)) {
        void local.send({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: `relaybot at ${url.origin} could not be reached: ${why}` } });
      }
    });
  };
  remote.onmessage = (message: JSONRPCMessage) => {
    // Later requests carry the negotiated version in a header, as the SDK's own client does.
    if (isJSONRPCResultResponse(message) && initializeIds.delete(message.id)) {
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') remote.setProtocolVersion(version);
    }
    void local.send(message);
  };
  remote.onerror = (err) => process.stderr.write(`relaybot mcp: ${err.message}\n`);

  const closed = new Promise<void>((resolve) => {
    local.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await remote.start();
  await local.start();
  await closed;
  await remote.close().catch(() => {});
}
