import type { App } from '@slack/bolt';
import { AppError } from '../../../core/errors.js';
import { NOT_ALLOWED, slackActor } from '../people.js';
import {
  EDIT_MODAL_CALLBACK_ID,
  fieldForError,
  parseEditSubmission,
  readEditModalTarget,
  renderNoticeModal,
} from '../render-edit-modal.js';
import { unexpected, type ListenerDeps } from './listener-deps.js';

/**
 * The edit modal's Save. Unlike clicks, this waits for RelayBot.edit before
 * acking: a refusal must travel in the ack (`response_action: 'errors'`) to
 * appear under the field. That is safe within Slack's 3 seconds because an
 * edit is validation plus one conditional update — no model, no relay.
 */
export function registerEditModal(app: App, deps: ListenerDeps): void {
  app.view(EDIT_MODAL_CALLBACK_ID, async ({ ack, body, view }) => {
    const target = readEditModalTarget(view);
    if (!deps.isAllowed(body.user.id)) {
      await ack({ response_action: 'update', view: renderNoticeModal('Not saved', NOT_ALLOWED) });
      return;
    }
    if (!target) {
      await ack({ response_action: 'update', view: renderNoticeModal('Not saved', 'This form lost track of its draft. Close it and press Edit on the card again.') });
      return;
    }
    const { draftId, version } = target;
    const actor = slackActor(body.user.id, body.user.name);
    try {
      // Based on the version the form was opened on: if someone changed the draft since, this is refused, not merged.
      await deps.bot.edit(draftId, actor, parseEditSubmission(view.state), version);
    } catch (err) {
      if (!(err instanceof AppError)) {
        await ack({ response_action: 'update', view: renderNoticeModal('Not saved', unexpected(deps, err, 'saving an edit')) });
        return;
      }
      const field = fieldForError(err);
      if (field) {
        await ack({ response_action: 'errors', errors: { [field]: err.message } });
        return;
      }
      await ack({ response_action: 'update', view: renderNoticeModal('Not saved', err.message) });
      await deps.bot.cards.refresh(draftId, { force: AppError.is(err, 'conflict:version') });
      return;
    }
    await ack();
    await deps.bot.cards.refresh(draftId);
  });
}
