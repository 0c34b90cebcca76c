import type { types } from '@slack/bolt';
import type { Draft, DraftPatch } from '../../core/draft.js';
import { AppError } from '../../core/errors.js';
import { CHANNEL_LABELS, CHANNELS, type Channel } from '../../core/send-request.js';

type ModalView = types.ModalView;
type PlainTextOption = types.PlainTextOption;

export const EDIT_MODAL_CALLBACK_ID = 'draft_edit_modal';
/** Block ids of the modal's inputs; `response_action: 'errors'` names them. */
export const EDIT_FIELDS = { channel: 'channel', recipient: 'recipient', subject: 'subject', text: 'text', sendAt: 'send_at' } as const;
export type EditField = (typeof EDIT_FIELDS)[keyof typeof EDIT_FIELDS];
const VALUE = 'value';
/** Slack's limit for a plain_text_input value. */
export const MODAL_TEXT_LIMIT = 3000;

const option = (c: Channel): PlainTextOption => ({ text: { type: 'plain_text', text: CHANNEL_LABELS[c] }, value: c });

/**
 * The draft's id and the version the form was filled from travel in
 * private_metadata, the only state a modal carries back: a save over a version
 * someone changed meanwhile is refused instead of overwriting it.
 */
export function renderEditModal(draft: Draft): ModalView {
  return {
    type: 'modal',
    callback_id: EDIT_MODAL_CALLBACK_ID,
    private_metadata: JSON.stringify({ draftId: draft.id, version: draft.version }),
    title: { type: 'plain_text', text: 'Edit draft' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [
      {
        type: 'input',
        block_id: EDIT_FIELDS.channel,
        label: { type: 'plain_text', text: 'Channel' },
        element: { type: 'static_select', action_id: VALUE, options: CHANNELS.map(option), initial_option: option(draft.channel) },
      },
      {
        type: 'input',
        block_id: EDIT_FIELDS.recipient,
        optional: true,
        label: { type: 'plain_text', text: 'Recipient' },
        hint: { type: 'plain_text', text: 'Phone with country code (+15551234567), email address, or @username. Empty for push notifications.' },
        element: { type: 'plain_text_input', action_id: VALUE, ...(draft.to ? { initial_value: draft.to } : {}) },
      },
      {
        type: 'input',
        block_id: EDIT_FIELDS.subject,
        optional: true,
        label: { type: 'plain_text', text: 'Subject (email only)' },
        element: { type: 'plain_text_input', action_id: VALUE, ...(draft.subject ? { initial_value: draft.subject } : {}) },
      },
      {
        type: 'input',
        block_id: EDIT_FIELDS.text,
        label: { type: 'plain_text', text: 'Message' },
        element: { type: 'plain_text_input', action_id: VALUE, multiline: true, max_length: MODAL_TEXT_LIMIT, initial_value: draft.text },
      },
      {
        type: 'input',
        block_id: EDIT_FIELDS.sendAt,
        optional: true,
        label: { type: 'plain_text', text: 'Send at' },
        hint: { type: 'plain_text', text: 'Empty: send as soon as it is approved. Slack shows the time in your own time zone.' },
        element: { type: 'datetimepicker', action_id: VALUE, ...(draft.sendAt ? { initial_date_time: Math.floor(draft.sendAt.getTime() / 1000) } : {}) },
      },
    ],
  };
}

/** A modal that only says something (used when a save is refused for a reason no field can show). */
export function renderNoticeModal(title: string, sentence: string): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: title },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'plain_text', text: sentence } }],
  };
}

/** Which draft (and version) the modal's private_metadata names, or null when it is not ours. A modal opened before versions existed has none. */
export function readEditModalTarget(view: { private_metadata?: string }): { draftId: string; version?: number } | null {
  try {
    const meta = JSON.parse(view.private_metadata ?? '') as { draftId?: unknown; version?: unknown };
    if (typeof meta.draftId !== 'string') return null;
    return Number.isSafeInteger(meta.version) && (meta.version as number) > 0
      ? { draftId: meta.draftId, version: meta.version as number }
      : { draftId: meta.draftId };
  } catch {
    return null;
  }
}

type StateValues = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null; selected_date_time?: number | null }>>;

/** The submitted values as a patch; validation and policy are the core's job (RelayBot.edit). */
export function parseEditSubmission(state: { values: StateValues }): DraftPatch {
  const read = (block: EditField) => state.values[block]?.[VALUE];
  const channel = read(EDIT_FIELDS.channel)?.selected_option?.value;
  const patch: DraftPatch = {
    to: read(EDIT_FIELDS.recipient)?.value?.trim() ?? '',
    text: read(EDIT_FIELDS.text)?.value ?? '',
    subject: read(EDIT_FIELDS.subject)?.value?.trim() || null,
  };
  if (channel && (CHANNELS as readonly string[]).includes(channel)) patch.channel = channel as Channel;
  // A form without the picker (opened before it existed) leaves the schedule alone; an emptied one means "when approved".
  const picked = read(EDIT_FIELDS.sendAt);
  if (picked) patch.sendAt = typeof picked.selected_date_time === 'number' ? new Date(picked.selected_date_time * 1000) : null;
  return patch;
}

/**
 * Which input a refusal belongs on, so Slack shows it under that field
 * (`response_action: 'errors'`); null when no field can fix it (expired, not yours…).
 */
export function fieldForError(error: AppError): EditField | null {
  switch (error.code) {
    case 'invalid:recipient':
    case 'denied:recipient':
      return EDIT_FIELDS.recipient;
    case 'invalid:channel':
    case 'denied:channel':
      return EDIT_FIELDS.channel;
    case 'invalid:send_at':
    case 'denied:quiet_hours':
      return EDIT_FIELDS.sendAt;
    case 'invalid:text':
      // validateSendRequest uses invalid:text for the subject's length too.
      return /^The subject\b/.test(error.message) ? EDIT_FIELDS.subject : EDIT_FIELDS.text;
    default:
      return null;
  }
}
