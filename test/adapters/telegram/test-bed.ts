/**
 * One relaybot (in-memory PGlite, offline parser, HTTP relay to the fake relay)
 * with the Telegram adapter on the fake Bot API, shared by a test file. Any
 * warning or error the adapter logs fails the test that caused it.
 */
import type { Update } from 'grammy/types';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { createHttpRelay } from '../../../src/adapters/relay/index.js';
import { createTelegramAdapter, type TelegramAdapter } from '../../../src/adapters/telegram/index.js';
import { createTestApp, type TestApp } from '../../fakes/harness.js';
import { startFakeRelay, type FakeRelay } from '../../fakes/relay-server.js';
import { startFakeTelegramApi, type FakeTelegramApi, type ShownMessage } from '../../fakes/telegram-api.js';
import { newPerson, privateText, type Person } from './updates.js';

export const REQUEST = 'email ops@example.com subject Deploy: v2 is live';

export interface TelegramTestBed {
  readonly tg: FakeTelegramApi;
  readonly relay: FakeRelay;
  readonly app: TestApp;
  readonly adapter: TelegramAdapter;
  /** A fresh person on TELEGRAM_ALLOWED_USERS. */
  member(name?: string): Person;
  actorOf(p: Person): { platform: 'telegram'; userId: string };
  handle(update: Update): Promise<void>;
  /** The bot's latest message in a chat. */
  lastIn(chatId: number): ShownMessage;
  /** Texts of every answerCallbackQuery since the test began. */
  toasts(): (string | undefined)[];
  /** The card as it stands now. */
  current(card: ShownMessage): ShownMessage;
  /** Ask in a private chat and return the card the bot posted (asserting it has the three buttons). */
  requestCard(p: Person, text?: string): Promise<ShownMessage>;
  /** Move the app's clock forward for the rest of this test. */
  advanceClock(ms: number): void;
  /** The warnings and errors logged so far in this test, which no longer fail it (for tests that expect one). */
  takeLogs(): { msg?: string; obj: object }[];
}

export interface TelegramTestBedOptions {
  /** Policy fields (as in a policy file), e.g. four-eyes approval; defaults otherwise. */
  policy?: Record<string, unknown>;
  /** People on TELEGRAM_ALLOWED_USERS from the start (e.g. approvers the policy names). */
  members?: Person[];
}

export function useTelegramTestBed(options: TelegramTestBedOptions = {}): TelegramTestBed {
  let tg: FakeTelegramApi;
  let relay: FakeRelay;
  let app: TestApp;
  let adapter: TelegramAdapter;
  let clockOffsetMs = 0;
  const allowed: string[] = (options.members ?? []).map((p) => String(p.id));
  const logged: { msg?: string; obj: object }[] = [];
  const record = (obj: object, msg?: string) => logged.push({ obj, msg });
  const logger = { info: () => {}, warn: record, error: record };

  beforeAll(async () => {
    tg = await startFakeTelegramApi();
    relay = await startFakeRelay({ apiKey: 'relay-key' });
    app = await createTestApp({
      relay: createHttpRelay({ baseUrl: relay.url, apiKey: 'relay-key', phoneId: '7', timeoutMs: 2000 }),
      clock: { now: () => new Date(Date.now() + clockOffsetMs) },
      maxAttempts: 2,
      policy: options.policy,
    });
    adapter = createTelegramAdapter({
      bot: app.bot, clock: app.clock, logger, token: tg.token, apiRoot: tg.apiRoot,
      allowedUsers: allowed,
      // Telegram's real limits (1 message a second per chat) would only slow the suite; the throttler stays installed.
      throttle: { global: {}, group: {}, out: {} },
    });
    app.notifier.attach(adapter);
  });
  afterAll(async () => {
    await app?.close();
    await relay?.close();
    await tg?.close();
  });
  beforeEach(() => {
    logged.length = 0;
    tg.reset();
    relay.reset();
    clockOffsetMs = 0;
  });
  afterEach(() => {
    expect(logged).toEqual([]);
  });

  const bed: TelegramTestBed = {
    get tg() { return tg; },
    get relay() { return relay; },
    get app() { return app; },
    get adapter() { return adapter; },
    member(name) {
      const p = newPerson(name);
      allowed.push(String(p.id));
      return p;
    },
    actorOf: (p) => ({ platform: 'telegram', userId: String(p.id) }),
    handle: (update) => adapter.handleUpdate(update),
    lastIn: (chatId) => tg.messagesIn(chatId).at(-1)!,
    toasts: () => tg.callsTo('answerCallbackQuery').map((c) => c.payload.text as string | undefined),
    current: (card) => tg.message(card.chatId, card.messageId)!,
    async requestCard(p, text = REQUEST) {
      await adapter.handleUpdate(privateText(p, text));
      const card = bed.lastIn(p.id);
      expect(card.buttons.flat().map((b) => b.text), card.text).toEqual(['Send', 'Edit', 'Cancel']);
      return card;
    },
    advanceClock(ms) {
      clockOffsetMs = ms;
    },
    takeLogs: () => logged.splice(0),
  };
  return bed;
}
