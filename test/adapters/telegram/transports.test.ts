/**
 * How updates reach the bot: the webhook (secret header checked, mounted on an
 * Express app the way main.ts mounts it) and long polling through @grammyjs/runner.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter, type TelegramAdapterDeps } from '../../../src/adapters/telegram/index.js';
import { createTestApp, silentLogger, type TestApp } from '../../fakes/harness.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../../fakes/telegram-api.js';
import { newPerson, privateText, type Person } from './updates.js';

const REQUEST = 'email ops@example.com subject Deploy: v2 is live';
const SECRET = 'webhook-secret_0123456789';

let tg: FakeTelegramApi;
let app: TestApp;
const allowed: string[] = [];
const member = (): Person => {
  const p = newPerson();
  allowed.push(String(p.id));
  return p;
};
const draftsOf = (p: Person) => app.bot.history({ platform: 'telegram', userId: String(p.id) }, 5);

const adapterDeps = (over: Partial<TelegramAdapterDeps> = {}): TelegramAdapterDeps => ({
  bot: app.bot, clock: app.clock, logger: silentLogger, token: tg.token, apiRoot: tg.apiRoot,
  allowedUsers: allowed, throttle: { global: {}, group: {}, out: {} }, ...over,
});

beforeAll(async () => {
  tg = await startFakeTelegramApi();
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
  await tg?.close();
});
beforeEach(() => tg.reset());

describe('webhook mode', () => {
  let adapter: TelegramAdapter;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    adapter = createTelegramAdapter(adapterDeps({ webhookSecret: SECRET }));
    const web = express();
    web.post('/telegram/webhook', express.json(), adapter.webhook!);
    server = web.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram/webhook`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  const post = (update: Update, secret?: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
      body: JSON.stringify(update),
    });

  it('refuses an update without the secret header, or with a wrong one, with 401 and does nothing', async () => {
    const alice = member();
    const missing = await post(privateText(alice, REQUEST));
    const wrong = await post(privateText(alice, REQUEST), `${SECRET}x`);
    const empty = await post(privateText(alice, REQUEST), '');
    expect([missing.status, wrong.status, empty.status]).toEqual([401, 401, 401]);
    expect(await missing.text()).not.toContain('at '); // no stack
    expect(tg.calls).toEqual([]);
    expect(await draftsOf(alice)).toEqual([]);
  });

  it('processes an update with the right secret: 200 and a draft card; a redelivery makes no second draft', async () => {
    const alice = member();
    const update = privateText(alice, REQUEST);
    const response = await post(update, SECRET);
    expect(response.status).toBe(200);
    expect(tg.messagesIn(alice.id).at(-1)!.text).toContain('Draft Email to ops@example.com');
    expect((await post(update, SECRET)).status).toBe(200);
    expect(tg.callsTo('sendMessage')).toHaveLength(1);
    expect(await draftsOf(alice)).toHaveLength(1);
  });

  it('at start sets the command menu and leaves the webhook alone', async () => {
    await adapter.start();
    expect(tg.callsTo('setMyCommands')).toHaveLength(1);
    expect(tg.callsTo('deleteWebhook')).toHaveLength(0);
    expect(tg.callsTo('getUpdates')).toHaveLength(0);
    await adapter.stop();
  });
});

describe('long polling mode', () => {
  it('drops any webhook, polls for updates through the runner, answers them, and stops', async () => {
    const adapter = createTelegramAdapter(adapterDeps());
    expect(adapter.webhook).toBeNull();
    await adapter.start();
    try {
      expect(tg.callsTo('deleteWebhook')).toHaveLength(1);
      expect(tg.callsTo('setMyCommands')).toHaveLength(1);
      const alice = member();
      tg.pushUpdate(privateText(alice, REQUEST));
      await vi.waitFor(() => expect(tg.messagesIn(alice.id).at(-1)?.text).toContain('Draft Email to ops@example.com'), {
        timeout: 10_000,
        interval: 50,
      });
      expect(await draftsOf(alice)).toHaveLength(1);
    } finally {
      await adapter.stop();
    }
    const polls = tg.callsTo('getUpdates').length;
    expect(polls).toBeGreaterThan(0);
    expect(tg.callsTo('getUpdates').at(-1)!.payload.allowed_updates).toEqual(['message', 'callback_query', 'my_chat_member']);
  });
});
