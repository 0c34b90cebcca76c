/**
 * The contract between relaybot and a chat platform. A front-end translates;
 * it decides nothing. Every rule — who may decide, which version, contact
 * names, what the audit says — is in the app services it is handed
 * (`FrontEndContext.bot`), so a new front-end is one folder that implements
 * this and one line in main.ts's registry.
 */
import type { Config } from '../config.js';
import type { Card } from '../core/card.js';
import type { Logger } from '../core/ports.js';
import type { Actor, ConversationRef, Platform } from '../core/send-request.js';
import type { MessageInput, RelayBot } from './relaybot.js';

/**
 * Where HTTP routes go (an Express app in production). Structural, so the app
 * layer names no web framework.
 */
export interface HttpRoutes {
  use(...handlers: any[]): unknown;
  post(path: string, ...handlers: any[]): unknown;
}

/** One person in one conversation: whom a private word is for. */
export interface Recipient {
  actor: Actor;
  conversation: ConversationRef;
}

export interface FrontEnd<Inbound = unknown, Rendered = unknown> {
  /** The platform name its drafts carry in `conversation.platform` (and its actors in `platform`). */
  readonly platform: Platform;
  /** How the startup banner names it, e.g. `Slack (Socket Mode)`. */
  readonly description: string;
  /** A platform event → the app's input, or null when it is not a request for relaybot (a bot's own message, a join…). */
  parse(event: Inbound): MessageInput | null;
  /** The core's card in the platform's own form (Block Kit, HTML + keyboard, JSON…). */
  render(card: Card): Rendered;
  /** Show a new card in `conversation`; returns its card reference (stored, so any replica can edit it later). */
  postCard(conversation: ConversationRef, card: Card): Promise<string>;
  /**
   * Make the card at `ref` show `card`. False when that reference can no longer
   * be edited (e.g. an expired Slack response_url); throws when the platform failed.
   */
  editCard(ref: string, card: Card): Promise<boolean>;
  /** Tell one person something only they see. Never throws; false when it could not be delivered. */
  replyPrivately(to: Recipient, text: string): Promise<boolean>;
  /** Add the front-end's HTTP routes (webhooks), when it has any; called before the 404 handler. */
  mount?(routes: HttpRoutes): void;
  /** Connect (verify tokens, open sockets, start polling). Called once the HTTP server listens. */
  start(): Promise<void>;
  /** Disconnect, letting work in flight finish. */
  stop(): Promise<void>;
}

/** What every front-end factory is given: the app's services and its settings. Never a store. */
export interface FrontEndContext {
  bot: RelayBot;
  logger: Logger;
  /** The configuration (tokens, URLs, allowlists): a factory reads its own variables. */
  env: Config['env'];
}

/** A registry entry: null when the configuration does not ask for this front-end. */
export type FrontEndFactory = (context: FrontEndContext) => Promise<FrontEnd | null>;
