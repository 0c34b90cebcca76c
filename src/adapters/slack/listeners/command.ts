import type { App } from '@slack/bolt';
import type { ConversationRef } from '../../../core/send-request.js';
import { encodeCardRef } from '../card-ref.js';
import { NOT_ALLOWED, slackActor } from '../people.js';
import { postToResponseUrl } from '../response-url.js';
import type { SlackAnswer } from '../render-replies.js';
import { slackTextToPlain } from '../slack-text.js';
import { HELP_TEXT, parseSubcommand, runSubcommand } from '../subcommands.js';
import { draftAndShow } from './drafting.js';
import { unexpected, type ListenerDeps } from './listener-deps.js';
import { isFirstDelivery } from './replay.js';

/**
 * `/send …` (whatever the workspace named the command). Every branch acks
 * first: Slack gives a slash command 3 seconds, the model may take longer.
 * A replayed request (same signature) is acknowledged and ignored: the check
 * is a database write, so it runs after the ack (the ack of a replay goes to
 * whoever replayed it, not to Slack) and before anything is acted on.
 */
export function registerCommand(app: App, deps: ListenerDeps): void {
  app.command(/^\/.+/, async ({ command, ack, context }) => {
    const firstDelivery = () => isFirstDelivery(deps, context);
    if (!deps.isAllowed(command.user_id)) {
      await ack({ response_type: 'ephemeral', text: NOT_ALLOWED });
      return;
    }
    const text = slackTextToPlain(command.text ?? '');
    const sub = parseSubcommand(text);
    if (sub?.kind === 'help') {
      await ack({ response_type: 'ephemeral', text: HELP_TEXT });
      return;
    }
    const actor = slackActor(command.user_id, command.user_name);
    const conversation: ConversationRef = { platform: 'slack', chatId: command.channel_id, workspaceId: command.team_id };
    if (sub) {
      await ack();
      if (!(await firstDelivery())) return;
      let answer: SlackAnswer;
      try {
        answer = await runSubcommand(deps, sub, actor, conversation);
      } catch (err) {
        answer = { text: unexpected(deps, err, `/send ${sub.kind}`) };
      }
      await postToResponseUrl(command.response_url, { response_type: 'ephemeral', ...answer }, deps.logger);
      return;
    }
    await ack({ response_type: 'ephemeral', text: 'Drafting…' });
    if (!(await firstDelivery())) return;
    // The card goes to the command's response_url: store it with the draft, so a click can redraw it.
    const cardRef = encodeCardRef({ kind: 'response_url', url: command.response_url });
    await draftAndShow(deps, { actor, conversation, text, cardRef }, {
      kind: 'command',
      responseUrl: command.response_url,
      channel: command.channel_id,
      user: command.user_id,
    });
  });
}
