import http from 'node:http';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { AppError } from '../../core/errors.js';
import type { Clock, Logger } from '../../core/ports.js';
import type { ConsoleChats } from '../../app/console-chats.js';
import type { RelayBot } from '../../app/relaybot.js';
import type { PrometheusMetrics } from '../metrics/prometheus.js';
import { auditCsvRoute, auditRoute, auditVerifyRoute } from './audit-route.js';
import { bearerAuth } from './bearer-auth.js';
import { chatRoute } from './chat-route.js';
import { chatsRoutes } from './chats-routes.js';
import { draftsRoutes } from './drafts-routes.js';
import { optOutsRoutes } from './optouts-routes.js';
import { apiNotFound, errorHandler } from './http-errors.js';
import { requestMetrics } from './request-metrics.js';

export interface WebAppDeps {
  bot: RelayBot;
  metrics: PrometheusMetrics;
  logger: Logger;
  /** WEB_API_TOKEN: when set, `/api/*` needs `Authorization: Bearer <token>`. */
  apiToken?: string | undefined;
  /** The HOST the server listens on (the config refuses a non-loopback HOST without a token). */
  host: string;
  clock: Clock;
  /** Longest a `/api/chat` request may take, ms. Default 60 000. */
  chatTimeoutMs?: number | undefined;
  /**
   * Mount more routes on the same app (the front-ends' `mount`: Bolt's
   * ExpressReceiver router, grammY's webhook). Called after the built-in routes and before the final
   * 404 and error handlers, so errors there also get the no-stack-trace answer.
   */
  mount?: ((app: express.Express) => void) | undefined;
  /** `/mcp` (agents over MCP), with its own auth: AGENT_TOKENS, not WEB_API_TOKEN. */
  mcp?: express.Router | undefined;
  /** Extra `/api/*` routes (the pending-approvals inbox), behind the same token as the rest of `/api`. */
  apiRoutes?: express.Router | undefined;
  /** What `/healthz` reports; default: healthy for the app's whole life. */
  health?: Health | undefined;
  /** The console's chats (`/api/chats`, recorded by `/api/chat`); none: chats are not kept. */
  chats?: ConsoleChats | undefined;
  /** True when the relay is the dry-run one (`/api/status`, the console's header mark). */
  dryRun?: boolean | undefined;
}

/** The process's state as `/healthz` tells a load balancer. */
export interface Health {
  /** From now on `/healthz` answers 503, so traffic is sent elsewhere while requests in flight finish. */
  markShuttingDown(): void;
  readonly shuttingDown: boolean;
}

export function createHealth(): Health {
  let shuttingDown = false;
  return {
    markShuttingDown() {
      shuttingDown = true;
    },
    get shuttingDown() {
      return shuttingDown;
    },
  };
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can reach the server. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

const CONSOLE_DIR = fileURLToPath(new URL('./console/', import.meta.url));

// The console loads only its own files and talks only to this server.
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * The one HTTP app: `/api/*` (JSON, bearer-guarded), `/healthz`, `/metrics`
 * and the web console at `/`. JSON is parsed on `/api` only, because Bolt
 * verifies Slack's signature over the raw body of `/slack/events`.
 */
export function createWebApp(deps: WebAppDeps): express.Express {
  // The config already refuses this; checking again here keeps the API closed even if a caller skips the config.
  if (!deps.apiToken && !isLoopbackHost(deps.host)) {
    throw new AppError('invalid:config', `WEB_API_TOKEN is required when HOST (${deps.host}) is not a loopback address.`);
  }
  const app = express();
  // Express's last-resort handler prints the stack unless env is production. Routes mounted
  // after the error funnel below would reach it, so make sure it never shows a stack either.
  app.set('env', 'production');
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestMetrics(deps.metrics));

  const health = deps.health ?? createHealth();
  app.get('/healthz', (_req, res) => {
    if (health.shuttingDown) res.status(503).json({ ok: false, status: 'shutting down' });
    else res.json({ ok: true });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  if (deps.mcp) app.use(deps.mcp);

  app.use('/api', bearerAuth(deps.apiToken), express.json({ limit: '100kb' }), (_req, res, next) => {
    res.set('cache-control', 'no-store');
    next();
  });
  const chat = chatRoute({ bot: deps.bot, clock: deps.clock, logger: deps.logger, timeoutMs: deps.chatTimeoutMs ?? 60_000, chats: deps.chats });
  app.post('/api/chat', chat);
  // The same route under the path AI SDK examples use.
  app.post('/api/chat/build', chat);
  app.use(draftsRoutes({ bot: deps.bot, clock: deps.clock }));
  app.use(optOutsRoutes(deps.bot.optOuts));
  app.get('/api/audit', auditRoute(deps.bot));
  app.get('/api/audit.csv', auditCsvRoute(deps.bot));
  app.get('/api/audit/verify', auditVerifyRoute(deps.bot));
  if (deps.chats) app.use(chatsRoutes(deps.chats));
  // What the console shows in its header: whether approving really sends.
  app.get('/api/status', (_req, res) => {
    res.json({ dryRun: deps.dryRun ?? false, approval: deps.bot.policy.approval.mode });
  });
  if (deps.apiRoutes) app.use(deps.apiRoutes);
  app.use('/api', apiNotFound);

  app.use(
    express.static(CONSOLE_DIR, {
      index: 'index.html',
      setHeaders: (res) => {
        res.setHeader('content-security-policy', CONSOLE_CSP);
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('referrer-policy', 'no-referrer');
      },
    }),
  );

  deps.mount?.(app);

  app.use(errorHandler(deps.logger));
  return app;
}

/** Listen on `host:port` (port 0 picks a free one); resolves once listening, rejects on e.g. EADDRINUSE. */
export function listen(app: express.Express, port: number, host: string): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(app);
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}
