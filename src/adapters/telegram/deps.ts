import type { RelayBot } from '../../app/relaybot.js';
import type { Clock, Logger } from '../../core/ports.js';
import type { APIThrottlerOptions } from '@grammyjs/transformer-throttler';

/** The app services the Telegram adapter works with: the use cases, no store. */
export interface TelegramAdapterDeps {
  bot: RelayBot;
  clock: Clock;
  logger: Logger;
  /** TELEGRAM_BOT_TOKEN. Never logged. */
  token: string;
  /** TELEGRAM_API_ROOT; default Telegram's. */
  apiRoot?: string | undefined;
  /** TELEGRAM_ALLOWED_USERS as ids; empty means nobody. */
  allowedUsers: string[];
  /** TELEGRAM_WEBHOOK_SECRET: webhook mode when set, long polling when not. */
  webhookSecret?: string | undefined;
  /** Outgoing rate limits (apiThrottler's Bottleneck options); default Telegram's published limits. Tests loosen them. */
  throttle?: APIThrottlerOptions;
}
