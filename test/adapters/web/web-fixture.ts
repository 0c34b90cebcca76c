/**
 * One relaybot (in-memory PGlite, offline parser, dry-run relay) behind the
 * real web app on a loopback port, for the web adapter's tests.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsoleChats } from '../../../src/app/console-chats.js';
import { RelayBot } from '../../../src/app/relaybot.js';
import { createPrometheusMetrics, type PrometheusMetrics } from '../../../src/adapters/metrics/prometheus.js';
import { createWebApp, listen, type WebAppDeps } from '../../../src/adapters/web/server.js';
import { createTestApp, silentLogger, type TestApp, type TestAppOptions } from '../../fakes/harness.js';

export interface WebFixture {
  app: TestApp;
  /** The RelayBot the server calls: the harness's stores and interpreter, with Prometheus metrics. */
  bot: RelayBot;
  metrics: PrometheusMetrics;
  base: string;
  /** Another web app on the same runtime (e.g. with a token); closed with the fixture. */
  serve(overrides: Partial<WebAppDeps>): Promise<string>;
  close(): Promise<void>;
}

export async function startWebFixture(options: TestAppOptions = {}): Promise<WebFixture> {
  const app = await createTestApp(options);
  const metrics = createPrometheusMetrics({ processMetrics: false });
  // The harness's bot has no metrics; this one shares everything else with it, so /metrics has counters to show.
  const bot = new RelayBot({
    stores: app.stores,
    interpreter: app.interpreter,
    policy: app.config.policy,
    clock: app.clock,
    defaultRegion: app.config.env.DEFAULT_PHONE_REGION,
    metrics,
    logger: silentLogger,
    // As in production: a confirm wakes the local worker at once (a no-op unless a test started it).
    onConfirmed: () => app.worker.kick(),
    // The runtime's cards, as in production: one card path, previews included (contact name, SMS segments, dry run).
    notifier: app.notifier,
    cards: app.notifier,
  });
  const servers: Server[] = [];
  const serve = async (overrides: Partial<WebAppDeps>) => {
    const web = createWebApp({
      bot, metrics, logger: silentLogger, host: '127.0.0.1', clock: app.clock,
      chats: new ConsoleChats({ history: app.stores.chats, clock: app.clock, logger: silentLogger }),
      dryRun: app.relay.dryRun,
      ...overrides,
    });
    const server = await listen(web, 0, '127.0.0.1');
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const base = await serve({});
  return {
    app,
    bot,
    metrics,
    base,
    serve,
    async close() {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
      await app.close();
    },
  };
}

/** A chat body as the AI SDK's useChat sends it. */
export function chatBody(chatId: string, text: string, userId?: string): Record<string, unknown> {
  return {
    id: chatId,
    messages: [{ id: `m-${Math.random().toString(36).slice(2)}`, role: 'user', parts: [{ type: 'text', text }] }],
    ...(userId && { userId }),
  };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** Every `data:` payload of an SSE body, in order (`[DONE]` kept as the string). */
export async function readEvents(res: Response): Promise<unknown[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .map((event) => event.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n'))
    .filter((data) => data !== '')
    .map((data) => (data === '[DONE]' ? data : JSON.parse(data)));
}

/** Ask for a draft through /api/chat and return its id. */
export async function draftVia(base: string, chatId: string, text: string, userId?: string): Promise<string> {
  const events = await readEvents(await postJson(`${base}/api/chat`, chatBody(chatId, text, userId)));
  const part = events.find((e) => (e as { type?: string }).type === 'data-draft') as { id: string } | undefined;
  if (!part) throw new Error(`no draft for "${text}": ${JSON.stringify(events)}`);
  return part.id;
}
