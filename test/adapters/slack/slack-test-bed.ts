/**
 * One relaybot with the Slack front-end mounted on the lead's web app, a fake
 * Slack Web API, and a fake relay behind the real HTTP relay client. Requests
 * go over HTTP to POST /slack/events, signed like Slack's.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSlackAdapter, type SlackAdapter, type SlackAdapterDeps } from '../../../src/adapters/slack/index.js';
import { createHttpRelay } from '../../../src/adapters/relay/index.js';
import { createPrometheusMetrics } from '../../../src/adapters/metrics/prometheus.js';
import { createWebApp, listen } from '../../../src/adapters/web/server.js';
import { createOfflineInterpreter } from '../../../src/core/parser/index.js';
import type { Clock, Interpreter } from '../../../src/core/ports.js';
import { createTestApp, silentLogger, type TestApp } from '../../fakes/harness.js';
import { startFakeRelay, type FakeRelay } from '../../fakes/relay-server.js';
import { startFakeSlackApi, type FakeSlackApi } from '../../fakes/slack-api.js';
import { SIGNING_SECRET } from './slack-requests.js';

/** The offline parser, with a gate a test can close to hold the "model" mid-thought. */
export interface GatedInterpreter extends Interpreter {
  hold(): void;
  release(): void;
  /** Resolves when a request is waiting at the closed gate. */
  waiting(): Promise<void>;
}

function gatedInterpreter(): GatedInterpreter {
  const inner = createOfflineInterpreter();
  let gate: Promise<void> | null = null;
  let open = () => {};
  let arrived = () => {};
  let arrival = new Promise<void>((r) => (arrived = r));
  return {
    name: 'offline (gated)',
    async interpret(text, context) {
      if (gate) {
        arrived();
        await gate;
      }
      return inner.interpret(text, context);
    },
    hold() {
      gate = new Promise<void>((r) => (open = r));
      arrival = new Promise<void>((r) => (arrived = r));
    },
    release() {
      gate = null;
      open();
    },
    waiting: () => arrival,
  };
}

/** A clock that tests can move forward (drafts expire) while Slack signatures keep real time. */
export interface MovableClock extends Clock {
  advance(ms: number): void;
}

export interface SlackTestBed {
  app: TestApp;
  slack: FakeSlackApi;
  relay: FakeRelay;
  adapter: SlackAdapter;
  interpreter: GatedInterpreter;
  clock: MovableClock;
  /** `http://127.0.0.1:<port>` of the web server with the Slack router mounted. */
  baseUrl: string;
  /** Another adapter on its own server, same runtime, with different options (e.g. allowedUsers). */
  extraAdapter(options: Partial<SlackAdapterDeps>, how?: { start?: boolean }): Promise<{ baseUrl: string }>;
  close(): Promise<void>;
}

export async function startSlackTestBed(options: { policy?: Record<string, unknown> } = {}): Promise<SlackTestBed> {
  const relay = await startFakeRelay({ apiKey: 'relay-key' });
  const slack = await startFakeSlackApi();
  const interpreter = gatedInterpreter();
  let offset = 0;
  const clock: MovableClock = { now: () => new Date(Date.now() + offset), advance: (ms) => (offset += ms) };
  const app = await createTestApp({
    ...(options.policy ? { policy: options.policy } : {}),
    relay: createHttpRelay({ baseUrl: relay.url, apiKey: 'relay-key', phoneId: '7', timeoutMs: 2000 }),
    interpreter,
    clock,
  });
  const servers: Server[] = [];
  const adapters: SlackAdapter[] = [];

  const mountAdapter = async (overrides: Partial<SlackAdapterDeps>, start = true) => {
    const adapter = createSlackAdapter({
      bot: app.bot,
      clock,
      logger: silentLogger,
      botToken: 'xoxb-test-token',
      signingSecret: SIGNING_SECRET,
      apiUrl: slack.apiUrl,
      ...overrides,
    });
    if (start) await adapter.start();
    const web = createWebApp({
      bot: app.bot,
            metrics: createPrometheusMetrics({ processMetrics: false }),
      logger: silentLogger,
      host: '127.0.0.1',
      clock,
      mount: (express) => express.use(adapter.router!),
    });
    const server = await listen(web, 0, '127.0.0.1');
    servers.push(server);
    adapters.push(adapter);
    return { adapter, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  };

  const main = await mountAdapter({});
  app.notifier.attach(main.adapter);

  return {
    app,
    slack,
    relay,
    adapter: main.adapter,
    interpreter,
    clock,
    baseUrl: main.baseUrl,
    extraAdapter: async (overrides, how) => ({ baseUrl: (await mountAdapter(overrides, how?.start ?? true)).baseUrl }),
    async close() {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
      for (const adapter of adapters) await adapter.stop();
      await app.close();
      await slack.close();
      await relay.close();
    },
  };
}
