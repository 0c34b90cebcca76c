/**
 * One span per Slack request (slash command, event, interaction), around every
 * listener it runs. Over HTTP it sits under the HTTP server span; over Socket
 * Mode it starts the trace.
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { inSpan, sessionAttributes } from '../../app/tracing.js';

type Body = Record<string, any>;

export const traceSlackRequests: Middleware<AnyMiddlewareArgs> = async ({ body, next }) => {
  const b = body as Body;
  const kind = b.command ? 'command' : b.type === 'event_callback' ? 'event' : 'interaction';
  const user: unknown = b.user_id ?? b.user?.id ?? b.event?.user;
  const channel: unknown = b.channel_id ?? b.channel?.id ?? b.event?.channel ?? b.container?.channel_id;
  const attributes = {
    'relaybot.platform': 'slack',
    'relaybot.slack.kind': kind,
    ...(b.command ? { 'relaybot.slack.command': String(b.command) } : {}),
    ...(b.event?.type ? { 'relaybot.slack.event': String(b.event.type) } : {}),
    ...(typeof b.type === 'string' && kind === 'interaction' ? { 'relaybot.slack.interaction': b.type } : {}),
    ...(typeof user === 'string' && typeof channel === 'string' ? sessionAttributes({ platform: 'slack', userId: user }, { chatId: channel }) : {}),
  };
  await inSpan(`slack.${kind}`, { attributes }, () => next());
};
