import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { localhostHostValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import type { AgentToken } from '../../config.js';
import type { Actor } from '../../core/send-request.js';

// Hashing both sides first gives equal-length buffers, so the comparison leaks neither characters nor length.
const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
const tokenMatches = (expected: string, presented: string): boolean => timingSafeEqual(digest(expected), digest(presented));

/** The agent a request to `/mcp` speaks for, set by `agentAuth` in `res.locals.agent`. */
export const LOCAL_AGENT: Actor = { platform: 'agent', userId: 'local' };

const isLoopbackAddress = (address: string | undefined): boolean =>
  !!address && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));

/**
 * Who is calling `/mcp`. With AGENT_TOKENS, `Authorization: Bearer <token>`
 * names the agent: every configured token is compared (in constant time, all
 * of them, so timing tells nothing about which one nearly matched). Without
 * it, only this machine may call, as `agent:local` — and only with a loopback
 * Host header, so a web page cannot reach it by DNS rebinding.
 */
export function agentAuth(tokens: readonly AgentToken[] | undefined): RequestHandler[] {
  if (!tokens?.length) {
    return [
      localhostHostValidation(),
      (req, res, next) => {
        if (!isLoopbackAddress(req.socket.remoteAddress)) {
          res.status(403).json({ error: '/mcp without AGENT_TOKENS answers this machine only.', code: 'denied:token' });
          return;
        }
        res.locals['agent'] = LOCAL_AGENT;
        next();
      },
    ];
  }
  return [
    (req, res, next) => {
      const match = /^Bearer\s+(.+)$/i.exec((req.get('authorization') ?? '').trim());
      let agent: AgentToken | undefined;
      if (match?.[1]) {
        for (const candidate of tokens) if (tokenMatches(candidate.token, match[1]) && !agent) agent = candidate;
      }
      if (!agent) {
        const error = match ? 'That agent token is not valid.' : '/mcp needs an agent token: send "Authorization: Bearer <token>" (one of AGENT_TOKENS).';
        res.status(401).set('www-authenticate', 'Bearer realm="relaybot-mcp"').json({ error, code: 'denied:token' });
        return;
      }
      res.locals['agent'] = { platform: 'agent', userId: agent.name } satisfies Actor;
      next();
    },
  ];
}
