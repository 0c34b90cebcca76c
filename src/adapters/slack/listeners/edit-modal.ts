import type { App } from '@slack/bolt';
import { AppError } from '../../../core/errors.js';
import { NOT_ALLOWED, slackActor } from '../people.js';
import {
  EDIT_MODAL_CALLBACK_ID,
  fieldForError,
  parseEditSubmission,
  readEditModalDraftId,
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
    const draftId = readEditModalDraftId(view);
    if (!deps.isAllowed(body.user.id)) {
      await ack({ response_action: 'update', view: renderNoticeModal('Not saved', NOT_ALLOWED) });
      return;
    }
    if (!draftId) {
      await ack({ response_action: 'update', view: renderNoticeModal('Not saved', 'This form lost track of its draft. Close it and press Edit on the card again.') });
      return;
    }
    const actor = slackActor(body.user.id, body.user.name);
    try {
      await deps.bot.edit(draftId, actor, parseEditSubmission(view.state));
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
      await deps.updater.refresh(draftId);
      return;
    }
    await ack();
    await deps.updater.refresh(draftId);
  });
}
