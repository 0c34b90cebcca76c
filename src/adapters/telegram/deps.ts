import type { RelayBot } from '../../app/relaybot.js';
import type { Clock, ContactBook, ConversationStore, DraftStore, InboundDedupe, Logger } from '../../core/ports.js';
import type { APIThrottlerOptions } from '@grammyjs/transformer-throttler';

export interface TelegramAdapterDeps {
  bot: RelayBot;
  drafts: DraftStore;
  contacts: ContactBook;
  conversations: ConversationStore;
  dedupe: InboundDedupe;
  clock: Clock;
  logger: Logger;
  /** TELEGRAM_BOT_TOKEN. Never logged. */
  token: string;
  /** TELEGRAM_API_ROOT; default Telegram's. */
  apiRoot?: string;
  /** TELEGRAM_ALLOWED_USERS as ids; empty means nobody. */
  allowedUsers: string[];
  /** TELEGRAM_WEBHOOK_SECRET: webhook mode when set, long polling when not. */
  webhookSecret?: string;
  /** ISO country for phone numbers in `/contacts add` written without +; default US. */
  defaultRegion?: string;
  /** Outgoing rate limits (apiThrottler's Bottleneck options); default Telegram's published limits. Tests loosen them. */
  throttle?: APIThrottlerOptions;
}
