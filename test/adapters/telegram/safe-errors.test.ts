import { Bot, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { loggableError, scrubTokenFromErrors } from '../../../src/adapters/telegram/safe-errors.js';
import type { RelayBot } from '../../../src/app/relaybot.js';
import { createTelegramAdapter } from '../../../src/adapters/telegram/index.js';
import { buildCard } from '../../../src/core/card.js';
import type { Draft } from '../../../src/core/draft.js';
import { startFakeTelegramApi } from '../../fakes/telegram-api.js';

const token = '987654321:SECRET-token-that-must-never-be-logged';
const now = new Date();
const draft = {
  id: 'd1', status: 'sent', channel: 'sms', to: '+15551234567', text: 'hi', subject: null,
  requester: { platform: 'telegram', userId: '1' }, conversation: { platform: 'telegram', chatId: '1' }, cardRef: '1:1001',
  idempotencyKey: 'k', createdAt: now, expiresAt: now, decidedBy: null, decidedAt: null, dryRun: false,
  relayMessageId: null, failureReason: null, attempts: 1,
} as Draft;

describe('the bot token stays out of errors and logs', () => {
  it('when Telegram cannot be reached, what editing a card throws (and the delivery worker logs) never contains the token', async () => {
    // A Bot API root nobody listens on: every call fails with a network error that names the URL.
    const fake = await startFakeTelegramApi({ token });
    const apiRoot = fake.apiRoot;
    await fake.close();
    const logged: unknown[] = [];
    const record = (obj: object, msg?: string) => logged.push({ obj, msg });
    const adapter = createTelegramAdapter({
      bot: {} as RelayBot, clock: { now: () => now },
      logger: { info: record, warn: record, error: record }, token, apiRoot, allowedUsers: [],
    });

    const failure = await adapter.editCard(draft.cardRef!, buildCard(draft, now)).then(() => null, (error: Error) => error);
    expect(failure?.message).toMatch(/could not update the Telegram card 1:1001/);
    const everything = JSON.stringify({ failure: failure?.message, cause: String(failure?.cause), logged });
    expect(everything).not.toContain('SECRET-token');
    expect(everything).not.toContain(token);
  });

  it('scrubs the token from network errors grammY keeps on HttpError.error (node-fetch names the URL)', async () => {
    const fake = await startFakeTelegramApi({ token });
    const apiRoot = fake.apiRoot;
    await fake.close();
    const call = async (scrub: boolean): Promise<HttpError> => {
      const bot = new Bot(token, { client: { apiRoot } });
      if (scrub) bot.api.config.use(scrubTokenFromErrors(token));
      return bot.api.sendMessage(1, 'hi').then(() => { throw new Error('expected a network error'); }, (error: HttpError) => error);
    };
    const raw = await call(false);
    expect(String((raw.error as Error).message)).toContain(token); // why the scrubber exists
    const scrubbed = await call(true);
    expect(scrubbed).toBeInstanceOf(HttpError);
    expect(String((scrubbed.error as Error).message)).toContain('/bot<token>/sendMessage');
    expect(JSON.stringify(loggableError(scrubbed))).not.toContain(token);
  });
});
