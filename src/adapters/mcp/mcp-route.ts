/**
 * `/mcp`: MCP over Streamable HTTP, stateless. Every POST gets a fresh
 * McpServer and transport (`sessionIdGenerator: undefined`), the SDK's
 * recommended shape for servers behind a load balancer: no session lives in
 * a process, so any replica answers any request and none needs sticky
 * routing. Everything an agent's request depends on is in the database.
 */
import express, { Router, type Response } from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AgentToken } from '../../config.js';
import type { Actor } from '../../core/send-request.js';
import { agentAuth } from './agent-auth.js';
import { registerAgentTools, type AgentToolsDeps } from './tools.js';

export const MCP_PATH = '/mcp';

export interface McpRouteDeps extends AgentToolsDeps {
  /** AGENT_TOKENS; unset: loopback callers only, as `agent:local`. */
  agentTokens?: readonly AgentToken[] | undefined;
}

/** A JSON-RPC error body, as MCP clients expect from this endpoint. */
function rpcError(res: Response, status: number, message: string): void {
  res.status(status).json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });
}

export function mcpRouter(deps: McpRouteDeps): Router {
  const router = Router();
  router.post(MCP_PATH, ...agentAuth(deps.agentTokens), express.json({ limit: '1mb' }), async (req, res) => {
    const agent = res.locals['agent'] as Actor;
    const server = new McpServer({ name: 'relaybot', version: '1.0.0' }, { capabilities: { tools: {} } });
    registerAgentTools(server, deps, agent);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (err) {
      deps.logger.error({ err: err instanceof Error ? err.name : 'unknown' }, 'mcp request failed');
      if (!res.headersSent) rpcError(res, 500, 'Internal error');
    }
  });
  // Stateless: no server-initiated stream to resume (GET) and no session to end (DELETE).
  const notAllowed: express.RequestHandler = (_req, res) => {
    res.set('allow', 'POST');
    rpcError(res, 405, 'Method not allowed: this MCP server is stateless; POST each request.');
  };
  router.get(MCP_PATH, notAllowed);
  router.delete(MCP_PATH, notAllowed);
  return router;
}
