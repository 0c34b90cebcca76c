/**
 * Composition root: read the configuration, build the runtime, mount the
 * front-ends on one HTTP server, start background work, and shut down cleanly.
 */
import type { Server } from 'node:http';
import type { FrontEnd, FrontEndFactory } from './app/front-end.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { AppError } from './core/errors.js';
import { createLogger } from './logger.js';
import { buildRuntime, type Runtime } from './runtime.js';
import { configureContentCapture, shutdownTracing } from './app/tracing.js';
import { readTracingConfig, tracingEnabled } from './adapters/tracing/config.js';
import { redactText } from './adapters/db/redact.js';
import { createPrometheusMetrics } from './adapters/metrics/prometheus.js';
import { createHealth, createWebApp, listen } from './adapters/web/server.js';
import { inboxRoutes } from './adapters/web/inbox-route.js';
import { mcpRouter } from './adapters/mcp/mcp-route.js';

/** A registry entry: when the configuration asks for a front-end, and how to load its factory. */
interface FrontEndEntry {
  wanted(env: Config['env']): boolean;
  /** Loaded only when wanted, so an unconfigured SDK (Bolt and grammY are not small) never loads. */
  load(): Promise<FrontEndFactory>;
}

/** The front-ends. Adding one is one line here and one folder under src/adapters (README: "Adding a front-end"). */
const FRONT_ENDS: FrontEndEntry[] = [
  { wanted: (env) => Boolean(env.SLACK_BOT_TOKEN), load: async () => (await import('./adapters/slack/index.js')).createSlackFrontEnd },
  { wanted: (env) => Boolean(env.TELEGRAM_BOT_TOKEN), load: async () => (await import('./adapters/telegram/index.js')).createTelegramFrontEnd },
];

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const { env } = config;
  const logger = createLogger(env.LOG_LEVEL);
  for (const warning of config.warnings) logger.warn({}, warning);

  // OTEL_CAPTURE_CONTENT: content on spans, masked as the audit log masks secrets (the SDK itself was started by start.mjs).
  if (tracingEnabled()) configureContentCapture(readTracingConfig().captureContent, redactText);

  const metrics = createPrometheusMetrics();
  let runtime: Runtime;
  try {
    runtime = await buildRuntime(config, logger, { metrics });
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid:config') fail(error.message);
    throw error;
  }
  const { bot, clock, notifier } = runtime;

  const frontEnds: FrontEnd[] = [];
  for (const entry of FRONT_ENDS.filter((e) => e.wanted(env))) {
    const frontEnd = await (await entry.load())({ bot, logger, env });
    if (!frontEnd) continue;
    // Every change to a draft (delivery, expiry, an edit elsewhere) redraws its card through its front-end.
    notifier.attach(frontEnd);
    frontEnds.push(frontEnd);
  }

  // Front-end routes go in before the web app's 404 and error handlers.
  const health = createHealth();
  const app = createWebApp({
    bot, metrics, logger, apiToken: env.WEB_API_TOKEN, host: env.HOST, clock, health,
    mount: (web) => frontEnds.forEach((frontEnd) => frontEnd.mount?.(web)),
    mcp: mcpRouter({ requests: runtime.agentRequests, policy: config.policy, logger, agentTokens: env.AGENT_TOKENS }),
    apiRoutes: inboxRoutes({ inbox: runtime.inbox, clock }),
    chats: runtime.chats,
    dryRun: runtime.relay.dryRun,
  });

  let server: Server;
  try {
    server = await listen(app, env.PORT, env.HOST);
  } catch (error) {
    await runtime.close(0);
    fail(`PORT: cannot listen on ${env.HOST}:${env.PORT}: ${(error as Error).message}`);
  }
  runtime.worker.start();
  runtime.sweeper.start();
  runtime.maintenance.start();
  runtime.checkpoints.start();
  for (const frontEnd of frontEnds) await frontEnd.start();

  const storage = env.DATABASE_URL ? 'PostgreSQL' : `embedded PGlite in ${env.RELAYBOT_DATA_DIR}`;
  const relay = runtime.relay.dryRun ? 'dry-run relay (nothing is really sent)' : `relay at ${env.RELAY_BASE_URL}`;
  console.log(
    `relaybot is running at http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${(server.address() as { port: number }).port}\n` +
      `  storage: ${storage}\n  delivery: ${relay}\n  understanding: ${runtime.interpreter.name}\n  front-ends: ${['web console', mcpDescription(env), ...frontEnds.map((f) => f.description)].join(', ')}`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // First, so a load balancer polling /healthz on a live connection stops sending traffic here.
    health.markShuttingDown();
    logger.info({ signal }, 'shutting down: no new requests; finishing in-flight deliveries');
    // Whatever hangs, the process ends (an orchestrator would SIGKILL it anyway; the outbox survives that too).
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS + 5_000).unref();
    await Promise.allSettled([
      closeServer(server, SHUTDOWN_GRACE_MS),
      ...frontEnds.map((f) => f.stop()),
      // Deliveries still running at the deadline are released: another replica retries them with the same key.
      runtime.worker.stop(SHUTDOWN_GRACE_MS),
    ]);
    await runtime.close(0);
    // The last spans (deliveries finished during the grace period) are exported before the process ends.
    await shutdownTracing();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** How long a SIGTERM waits for requests and deliveries in flight (the relay timeout is 10 s). */
const SHUTDOWN_GRACE_MS = 10_000;

/** Stop accepting connections; let requests in flight finish for up to `graceMs`, then cut what is left. */
function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    // A load balancer's keep-alive connection goes idle between requests: close it as soon as it does.
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function mcpDescription(env: Config['env']): string {
  return `MCP (POST /mcp${env.AGENT_TOKENS ? `, ${env.AGENT_TOKENS.length} agent token(s)` : ', loopback only as agent:local'})`;
}

function fail(line: string): never {
  console.error(`relaybot: ${line}`);
  process.exit(1);
}

main().catch((error) => {
  // Last resort: one line, no stack, so an operator sees what to fix.
  fail(error instanceof Error ? error.message : String(error));
});
