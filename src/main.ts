/**
 * Composition root: read the configuration, build the runtime, mount the
 * front-ends on one HTTP server, start background work, and shut down cleanly.
 */
import type { Server } from 'node:http';
import express, { type Express } from 'express';
import { ConfigError, loadConfig, type Config } from './config.js';
import { AppError } from './core/errors.js';
import { createLogger } from './logger.js';
import { buildRuntime, type Runtime } from './runtime.js';
import { createPrometheusMetrics } from './adapters/metrics/prometheus.js';
import { createHealth, createWebApp, listen } from './adapters/web/server.js';

interface Stoppable {
  stop(): Promise<void>;
}

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

  const metrics = createPrometheusMetrics();
  let runtime: Runtime;
  try {
    runtime = await buildRuntime(config, logger, { metrics });
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid:config') fail(error.message);
    throw error;
  }
  const { bot, stores, clock, notifier } = runtime;

  const frontEnds: (Stoppable & { start(): Promise<void> })[] = [];
  const routes: ((app: Express) => void)[] = [];
  const started: string[] = ['web console'];

  // Front-end SDKs are loaded only when configured (memory: Bolt and grammY are not small).
  if (env.SLACK_BOT_TOKEN) {
    const { createSlackAdapter } = await import('./adapters/slack/index.js');
    const slack = createSlackAdapter({
      bot, drafts: stores.drafts, contacts: stores.contacts, dedupe: stores.dedupe, clock, logger,
      botToken: env.SLACK_BOT_TOKEN, signingSecret: env.SLACK_SIGNING_SECRET ?? '', appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL, allowedUsers: env.SLACK_ALLOWED_USERS, defaultRegion: env.DEFAULT_PHONE_REGION,
    });
    if (slack.router) routes.push((app) => app.use(slack.router!));
    notifier.register('slack', slack.notifier);
    frontEnds.push(slack);
    started.push(env.SLACK_APP_TOKEN ? 'Slack (Socket Mode)' : 'Slack (POST /slack/events)');
  }
  if (env.TELEGRAM_BOT_TOKEN) {
    const { createTelegramAdapter } = await import('./adapters/telegram/index.js');
    const telegram = createTelegramAdapter({
      bot, drafts: stores.drafts, contacts: stores.contacts, conversations: stores.conversations, dedupe: stores.dedupe,
      clock, logger, token: env.TELEGRAM_BOT_TOKEN, apiRoot: env.TELEGRAM_API_ROOT,
      allowedUsers: env.TELEGRAM_ALLOWED_USERS ?? [], webhookSecret: env.TELEGRAM_WEBHOOK_SECRET, defaultRegion: env.DEFAULT_PHONE_REGION,
    });
    if (telegram.webhook) routes.push((app) => app.post('/telegram/webhook', express.json({ limit: '1mb' }), telegram.webhook!));
    notifier.register('telegram', telegram.notifier);
    frontEnds.push(telegram);
    started.push(env.TELEGRAM_WEBHOOK_SECRET ? 'Telegram (POST /telegram/webhook)' : 'Telegram (long polling)');
  }

  // Front-end routes go in before the web app's 404 and error handlers.
  const health = createHealth();
  const app = createWebApp({
    bot, audit: stores.audit, metrics, logger, apiToken: env.WEB_API_TOKEN, host: env.HOST, clock, health,
    mount: (web) => routes.forEach((mountRoute) => mountRoute(web)),
    chats: stores.chats,
    previews: runtime.previews,
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
      `  storage: ${storage}\n  delivery: ${relay}\n  understanding: ${runtime.interpreter.name}\n  front-ends: ${started.join(', ')}`,
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

function fail(line: string): never {
  console.error(`relaybot: ${line}`);
  process.exit(1);
}

main().catch((error) => {
  // Last resort: one line, no stack, so an operator sees what to fix.
  fail(error instanceof Error ? error.message : String(error));
});
