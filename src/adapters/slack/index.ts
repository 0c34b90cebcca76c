/** The Slack front-end: Bolt app, listeners, Block Kit rendering. */
export { createSlackAdapter, createSlackFrontEnd, SLACK_EVENTS_PATH, type SlackAdapter, type SlackAdapterDeps } from './create-slack-adapter.js';
export { renderCardBlocks, renderCardMessage, cardFallbackText, ACTION_IDS } from './render-card.js';
export { renderEditModal, parseEditSubmission, fieldForError, EDIT_MODAL_CALLBACK_ID } from './render-edit-modal.js';
export { encodeCardRef, decodeCardRef, type SlackCardRef } from './card-ref.js';
export { escapeMrkdwn, slackTextToPlain } from './slack-text.js';
