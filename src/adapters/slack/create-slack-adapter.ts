import { App, ExpressReceiver, SocketModeReceiver, webApi } from '@slack/bolt';
import { Router } from 'express';
import { AppError } from '../../core/errors.js';
import type { Notifier } from '../../core/ports.js';
import { boltLogger } from './bolt-logger.js';
import type { CardChannel } from '../../app/agent-cards.js';
import { CardUpdater, describe } from './card-updater.js';
import { slackChannelCards } from './channel-cards.js';
import { registerActions } from './listeners/actions.js';
import { registerCommand } from './listeners/command.js';
import { registerEditModal } from './listeners/edit-modal.js';
import { registerEvents } from './listeners/events.js';
import type { ListenerDeps, SlackPorts } from './listeners/listener-deps.js';
import { makeAllowCheck, makeNameResolver } from './people.js';
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
  /** DEFAULT_PHONE_REGION, for `/send contacts add` numbers written without +. Default US. */
  defaultRegion?: string | undefined;
}

export interface SlackAdapter {
  /** HTTP mode: mount on the shared Express app (at `/`); it serves POST /slack/events. Null in Socket Mode. */
  router: Router | null;
  /** Register with the NotifierRouter as `slack`: redraws a card when its draft changes. */
  notifier: Notifier;
  /** Posts cards into channels that did not ask (agents' drafts to `agents.notify`); register with AgentCards as `slack`. */
  channelCards: CardChannel;
  /** Verifies the token (auth.test) and, in Socket Mode, connects. Call before traffic arrives. */
  start(): Promise<void>;
  stop(): Promise<void>;
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

  const updater = new CardUpdater({ bot: deps.bot, client: app.client, clock: deps.clock, logger: deps.logger });
  const listenerDeps: ListenerDeps = {
    bot: deps.bot,
    contacts: deps.contacts,
    drafts: deps.drafts,
    dedupe: deps.dedupe,
    clock: deps.clock,
    logger: deps.logger,
    defaultRegion: deps.defaultRegion ?? 'US',
    client: app.client,
    updater,
    isAllowed: makeAllowCheck(deps.allowedUsers),
    nameOf: makeNameResolver(app.client),
  };
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
    router,
    notifier: updater,
    channelCards: slackChannelCards(app.client, deps.clock),
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
