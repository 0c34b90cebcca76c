/**
 * Builds everything but the front-ends from a Config: database, stores, relay,
 * interpreter, the RelayBot use cases, the delivery worker and the expiry
 * sweeper. main.ts, the CLI, the benchmark and the test harness share it, so
 * tests run the same wiring as production.
 */
import { AgentCards } from './app/agent-cards.js';
import { AgentRequests } from './app/agent-requests.js';
import { Inbox } from './app/inbox.js';
import { AuditCheckpoints } from './app/audit-checkpoints.js';
import type { DeliveryWorkerOptions } from './app/delivery-worker.js';
import { DeliveryWorker } from './app/delivery-worker.js';
import { ConsoleChats } from './app/console-chats.js';
import { DraftPreviewer } from './app/draft-preview.js';
import { ExpirySweeper } from './app/expiry-sweeper.js';
import { Maintenance } from './app/maintenance.js';
import { Cards } from './app/cards.js';
import { RelayBot } from './app/relaybot.js';
import { createSendTimeCheck } from './app/send-time-check.js';
import type { Config } from './config.js';
import type { Clock, Interpreter, Logger, Metrics, Relay } from './core/ports.js';
import { createOfflineInterpreter } from './core/parser/index.js';
import { createStores, migrateDatabase, openDatabase, type Database, type Stores } from './adapters/db/index.js';
import { createDryRunRelay, createHttpRelay } from './adapters/relay/index.js';

export interface RuntimeOverrides {
  /** An already open (and migrated) database, e.g. a test's; it is closed with the runtime. */
  database?: Database;
  relay?: Relay;
  interpreter?: Interpreter;
  clock?: Clock;
  metrics?: Metrics;
  worker?: DeliveryWorkerOptions;
  /** Sweep interval for expired drafts, ms (default 15 s). */
  sweepIntervalMs?: number;
}

export interface Runtime {
  config: Config;
  database: Database;
  stores: Stores;
  relay: Relay;
  interpreter: Interpreter;
  clock: Clock;
  bot: RelayBot;
  /** The web console's chats, kept per person. */
  chats: ConsoleChats;
  /** Cards: front-ends attach here so every change (delivery, expiry, another front-end's edit) reaches the card that drafted. */
  notifier: Cards;
  /** Cards of agents' drafts in every `agents.notify` destination, drawn by the attached front-ends. */
  agentCards: AgentCards;
  /** The use cases behind the MCP tools. */
  agentRequests: AgentRequests;
  /** The console's pending approvals. */
  inbox: Inbox;
  worker: DeliveryWorker;
  sweeper: ExpirySweeper;
  /** Hourly housekeeping (old inbound event ids); main starts it. */
  maintenance: Maintenance;
  /** Logs the audit chain's signed head at start and every 10 minutes; main starts it. */
  checkpoints: AuditCheckpoints;
  /** Stop background work (bounded by `graceMs`) and close the database. */
  close(graceMs?: number): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

export function createRelay(config: Config): Relay {
  const { RELAY_BASE_URL, RELAY_API_KEY, RELAY_PHONE_ID } = config.env;
  if (!RELAY_BASE_URL || !RELAY_API_KEY) return createDryRunRelay();
  return createHttpRelay({ baseUrl: RELAY_BASE_URL, apiKey: RELAY_API_KEY, phoneId: RELAY_PHONE_ID });
}

export async function createInterpreter(config: Config): Promise<Interpreter> {
  const { OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL } = config.env;
  if (!OPENAI_API_KEY) return createOfflineInterpreter();
  // Loaded only when configured, so the offline default does not carry the SDK in memory.
  const { createOpenAIInterpreter } = await import('./adapters/openai/index.js');
  return createOpenAIInterpreter({ apiKey: OPENAI_API_KEY, baseURL: OPENAI_BASE_URL, model: OPENAI_MODEL });
}

/** Open (and migrate) the configured database. */
export async function openConfiguredDatabase(config: Config, logger?: Logger): Promise<Database> {
  const database = await openDatabase({
    databaseUrl: config.env.DATABASE_URL,
    dataDir: config.env.RELAYBOT_DATA_DIR,
    auditKey: config.env.AUDIT_KEY,
    onPoolError: (err) => logger?.warn({ err }, 'database connection dropped; the pool replaces it'),
  });
  await migrateDatabase(database);
  return database;
}

export async function buildRuntime(config: Config, logger: Logger, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const database = overrides.database ?? (await openConfiguredDatabase(config, logger));
  const stores = createStores(database, logger, overrides.metrics);
  // Audit events a crashed process committed but never chained: chain them now.
  stores.auditSealer.nudge();
  const clock = overrides.clock ?? systemClock;
  const relay = overrides.relay ?? createRelay(config);
  const interpreter = overrides.interpreter ?? (await createInterpreter(config));
  const previews = new DraftPreviewer({ contacts: stores.contacts, dryRun: relay.dryRun });
  const notifier = new Cards({ drafts: stores.drafts, clock, logger, previews });
  const sendTimeCheck = createSendTimeCheck({ policy: config.policy, contacts: stores.contacts, optOuts: stores.optOuts, drafts: stores.drafts });
  const worker = new DeliveryWorker(
    { deliveries: stores.deliveries, relay, notifier, clock, logger, metrics: overrides.metrics, sendTimeCheck },
    overrides.worker,
  );
  const bot = new RelayBot({
    stores,
    interpreter,
    policy: config.policy,
    clock,
    defaultRegion: config.env.DEFAULT_PHONE_REGION,
    metrics: overrides.metrics,
    logger,
    onConfirmed: () => worker.kick(),
    notifier,
    cards: notifier,
  });
  const agentCards = new AgentCards({ drafts: stores.drafts, cards: stores.draftCards, frontEnds: notifier, clock, logger, notify: config.policy.agents.notify });
  notifier.register('agent', agentCards);
  const agentRequests = new AgentRequests({ bot, drafts: stores.drafts, cards: stores.draftCards, agentCards, audit: stores.audit, clock, logger });
  const inbox = new Inbox({ pending: stores.pendingDrafts, policy: config.policy });
  const chats = new ConsoleChats({ history: stores.chats, clock, logger });
  const sweeper = new ExpirySweeper({ drafts: stores.drafts, notifier, clock, logger }, overrides.sweepIntervalMs);
  const maintenance = new Maintenance(
    { dedupe: stores.dedupe, conversations: stores.conversations, drafts: stores.drafts, chats: stores.chats, clock, logger },
    { draftRetentionMs: config.policy.retentionDays * 86_400_000 },
  );
  const checkpoints = new AuditCheckpoints({ audit: stores.audit, clock, logger });
  return {
    config, database, stores, relay, interpreter, clock, bot, chats, notifier, agentCards, agentRequests, inbox, worker, sweeper, maintenance, checkpoints,
    async close(graceMs = 10_000) {
      await Promise.all([sweeper.stop(), maintenance.stop(), checkpoints.stop(), worker.stop(graceMs)]);
      // Chain what is still pending, so a clean stop leaves a complete chain (a crash leaves it for the next start).
      await stores.auditSealer.flush().catch((err: unknown) => logger.warn({ err }, 'could not seal the last audit entries; the next start will'));
      await database.close();
    },
  };
}
