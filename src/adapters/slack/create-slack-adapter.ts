import { App, ExpressReceiver, SocketModeReceiver, webApi } from '@slack/bolt';
import { Router } from 'express';
import type { FrontEnd, FrontEndContext, HttpRoutes } from '../../app/front-end.js';
import type { Card } from '../../core/card.js';
import { AppError } from '../../core/errors.js';
import { decodeCardRef } from './card-ref.js';
import { boltLogger } from './bolt-logger.js';
import { describe } from './slack-errors.js';
import { traceSlackRequests } from './trace-requests.js';
import { registerActions } from './listeners/actions.js';
import { tellPrivately } from './listeners/channel-refusal.js';
import { postCardMessage } from './listeners/drafting.js';
import { isPersonsMessage, parseChatEvent, type ChatEvent, type Envelope } from './listeners/events.js';
import { registerCommand } from './listeners/command.js';
import { registerEditModal } from './listeners/edit-modal.js';
import { registerEvents } from './listeners/events.js';
import type { ListenerDeps, SlackPorts } from './listeners/listener-deps.js';
import { makeAllowCheck, makePeopleDirectory } from './people.js';
import { renderCardMessage } from './render-card.js';
import { postToResponseUrl } from './response-url.js';
import { signatureOf } from './listeners/replay.js';
import { rejectFutureTimestamps } from './timestamp-guard.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackAdapterDeps extends SlackPorts {
  botToken: string;
  signingSecret: string;
  /** Set: Socket Mode (no HTTP route). Unset: HTTP at POST /slack/events. */
  appToken?: string | undefined;
  /** Slack Web API base, e.g. `http://127.0.0.1:4010/api/` in tests; Slack's when unset. */
  apiUrl?: string | undefined;
  /** SLACK_ALLOWED_USERS: user ids who may draft or click; unset or empty: everyone in the workspace. */
  allowedUsers?: string[] | undefined;
}

/** A DM or mention event, with its envelope and the bot's own user id (whose mention is dropped). */
export interface SlackInbound {
  event: ChatEvent;
  envelope: Envelope;
  botUserId?: string | undefined;
}

export interface SlackAdapter extends FrontEnd<SlackInbound, ReturnType<typeof renderCardMessage>> {
  /** HTTP mode: what `mount` adds (POST /slack/events). Null in Socket Mode. */
  router: Router | null;
  /** Verifies the token (auth.test) and, in Socket Mode, connects. Call before traffic arrives. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The registry entry: a Slack front-end when SLACK_BOT_TOKEN is set. */
export async function createSlackFrontEnd({ bot, logger, env }: FrontEndContext): Promise<SlackAdapter | null> {
  if (!env.SLACK_BOT_TOKEN) return null;
  return createSlackAdapter({
    bot, logger, clock: { now: () => bot.now() },
    botToken: env.SLACK_BOT_TOKEN, signingSecret: env.SLACK_SIGNING_SECRET ?? '', appToken: env.SLACK_APP_TOKEN,
    apiUrl: env.SLACK_API_URL, allowedUsers: env.SLACK_ALLOWED_USERS,
  });
}

/** Slack's WebClient joins `slackApiUrl + method`, so the base must end with a slash. */
const withSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`);

/**
 * The Slack front-end: a Bolt app whose listeners translate Slack payloads
 * into RelayBot calls and render the core's card as Block Kit.
 */
export function createSlackAdapter(deps: SlackAdapterDeps): SlackAdapter {
  const logger = boltLogger(deps.logger);
  // Slack's default is ten retries over half an hour; a card update that late is worse than none.
  const clientOptions = {
    timeout: 10_000,
    retryConfig: webApi.retryPolicies.fiveRetriesInFiveMinutes,
    ...(deps.apiUrl ? { slackApiUrl: withSlash(deps.apiUrl) } : {}),
  };
  const socketMode = Boolean(deps.appToken);
  const receiver = socketMode
    ? new SocketModeReceiver({ appToken: deps.appToken!, logger, installerOptions: { clientOptions } })
    : new ExpressReceiver({
        signingSecret: deps.signingSecret,
        endpoints: SLACK_EVENTS_PATH,
        processBeforeResponse: false,
        logger,
        // A slash command has no id of its own; its signature is what makes a replay recognisable (listeners/replay.ts).
        customPropertiesExtractor: signatureOf,
      });
  const app = new App({
    token: deps.botToken,
    receiver,
    logger,
    clientOptions,
    // auth.test runs in start() (see ensureInitialized), so a bad token fails the start with Slack's reason.
    deferInitialization: true,
  });
  app.error(async (error) => {
    deps.logger.error({ err: describe(error), code: (error as { code?: string }).code }, 'slack listener failed');
  });

  const listenerDeps: ListenerDeps = {
    bot: deps.bot,
    clock: deps.clock,
    logger: deps.logger,
    client: app.client,
    isAllowed: makeAllowCheck(deps.allowedUsers),
    ...makePeopleDirectory(app.client),
  };
  app.use(traceSlackRequests);
  registerCommand(app, listenerDeps);
  registerActions(app, listenerDeps);
  registerEditModal(app, listenerDeps);
  registerEvents(app, listenerDeps);

  // auth.test (who the bot is, for ignoreSelf and mentions) runs once, on start() or on the first
  // request if one arrives before start(): the order main.ts mounts and starts things in does not matter.
  let initialized: Promise<void> | null = null;
  const ensureInitialized = (): Promise<void> =>
    (initialized ??= app.init().catch((err: unknown) => {
      initialized = null;
      throw new AppError('invalid:config', `SLACK_BOT_TOKEN: Slack did not accept it (${describe(err)}).`, { cause: err });
    }));

  let router: Router | null = null;
  if (receiver instanceof ExpressReceiver) {
    router = Router();
    router.post(SLACK_EVENTS_PATH, rejectFutureTimestamps(), async (_req, res, next) => {
      try {
        await ensureInitialized();
        next();
      } catch (err) {
        deps.logger.error({ err: describe(err) }, 'slack is not ready');
        res.status(503).send();
      }
    });
    router.use(receiver.router);
  }

  let connected = false;
  return {
    platform: 'slack',
    description: socketMode ? 'Slack (Socket Mode)' : `Slack (POST ${SLACK_EVENTS_PATH})`,
    router,
    parse: ({ event, envelope, botUserId }) => (isPersonsMessage(event) ? parseChatEvent(event, envelope, botUserId) : null),
    render: (card: Card) => renderCardMessage(card),
    async postCard(conversation, card) {
      const ref = await postCardMessage(listenerDeps, conversation.chatId, conversation.threadId, renderCardMessage(card));
      if (!ref) throw new Error('slack did not say where the card was posted');
      return ref;
    },
    async editCard(ref, card) {
      const where = decodeCardRef(ref);
      if (!where) return false;
      const message = renderCardMessage(card);
      if (where.kind === 'response_url') return postToResponseUrl(where.url, { replace_original: true, ...message }, deps.logger);
      await app.client.chat.update({ channel: where.channel, ts: where.ts, ...message });
      return true;
    },
    replyPrivately: ({ actor, conversation }, sentence) =>
      tellPrivately(listenerDeps, { user: actor.userId, channel: conversation.chatId, threadTs: conversation.threadId }, sentence),
    mount(routes: HttpRoutes) {
      if (router) routes.use(router);
    },
    async start() {
      await ensureInitialized();
      if (!socketMode || connected) return;
      try {
        await app.start();
      } catch (err) {
        throw new AppError('invalid:config', `SLACK_APP_TOKEN: could not open a Socket Mode connection (${describe(err)}).`, { cause: err });
      }
      connected = true;
    },
    async stop() {
      if (connected) await app.stop();
      connected = false;
    },
  };
}
