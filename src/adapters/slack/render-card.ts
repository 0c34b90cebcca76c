import type { types } from '@slack/bolt';
import { fieldsWithPreview, previewNotes, type Card, type CardAction } from '../../core/card.js';
import { encodeButtonValue } from './button-value.js';
import { escapeMrkdwn } from './slack-text.js';

type KnownBlock = types.KnownBlock;
type Button = types.Button;

/** Block Kit action ids of the card's buttons; each button's `value` is `<draftId>:<version>` (button-value.ts). */
export const ACTION_IDS: Record<CardAction, string> = {
  confirm: 'draft_confirm',
  edit: 'draft_edit',
  cancel: 'draft_cancel',
};
export const CARD_ACTIONS_BLOCK_ID = 'draft_actions';

/**
 * Slack refuses a rich_text element much past 4000 characters; an email body can
 * be far longer, so the card shows the start and says how much is hidden.
 */
const MESSAGE_PREVIEW_CHARS = 2900;

function messagePreview(text: string): string {
  if (text.length <= MESSAGE_PREVIEW_CHARS) return text;
  const hidden = text.length - MESSAGE_PREVIEW_CHARS;
  return `${text.slice(0, MESSAGE_PREVIEW_CHARS)}… (${hidden} more characters)`;
}

function button(card: Card, b: Card['buttons'][number]): Button {
  return {
    type: 'button',
    action_id: ACTION_IDS[b.action],
    text: { type: 'plain_text', text: b.label },
    value: encodeButtonValue(card.draftId, card.version),
    ...(b.style === 'default' ? {} : { style: b.style }),
  };
}

/** Literal words in a rich_text element: Slack never reads them as formatting, links or mentions. */
const words = (text: string, bold = false): types.RichTextText => ({ type: 'text', text, ...(bold ? { style: { bold: true } } : {}) });

/** "Label: value" rows, the labels bold; a row without a value shows its label alone. */
function fieldRows(fields: Card['fields']): types.RichTextText[] {
  return fields.flatMap((f, i) => [words(`${i > 0 ? '\n' : ''}${f.label}: `, true), ...(f.value ? [words(f.value)] : [])]);
}

/**
 * The draft card as Block Kit. Everything a person or the relay wrote —
 * recipient, subject, message, failure reason, names — is in rich_text or
 * plain_text, never in mrkdwn: mrkdwn has no way to escape `*`, `_`, `~` or
 * backticks, so a subject like `*urgent*` would show as bold, not as the
 * characters that will be sent. rich_text is shown exactly as given.
 */
export function renderCardBlocks(card: Card): KnownBlock[] {
  const fields = fieldsWithPreview(card);
  const message = fields.find((f) => f.label === 'Message');
  const others = fields.filter((f) => f !== message);
  const blocks: KnownBlock[] = [
    { type: 'rich_text', block_id: 'draft_headline', elements: [{ type: 'rich_text_section', elements: [words(card.headline, true)] }] },
    { type: 'rich_text', block_id: 'draft_fields', elements: [{ type: 'rich_text_section', elements: fieldRows(others) }] },
  ];
  if (message) {
    blocks.push({
      type: 'rich_text',
      block_id: 'draft_message',
      elements: [{ type: 'rich_text_quote', elements: [words(messagePreview(message.value))] }],
    });
  }
  // plain_text, emoji off: a name like "*boss* :fire:" stays those characters.
  blocks.push({ type: 'context', block_id: 'draft_context', elements: [{ type: 'plain_text', text: card.context, emoji: false }] });
  const notes = previewNotes(card.preview, card.status);
  if (notes.length > 0) {
    blocks.push({ type: 'context', block_id: 'draft_preview', elements: notes.map((text) => ({ type: 'plain_text' as const, text, emoji: false })) });
  }
  if (card.buttons.length > 0) {
    blocks.push({ type: 'actions', block_id: CARD_ACTIONS_BLOCK_ID, elements: card.buttons.map((b) => button(card, b)) });
  }
  return blocks;
}

/** The message's `text`: what notifications and screen readers show. Escaped like any mrkdwn. */
export function cardFallbackText(card: Card): string {
  return escapeMrkdwn(card.headline);
}

/** A full message body (blocks + fallback text) for chat.postMessage / chat.update / response_url. */
export function renderCardMessage(card: Card): { text: string; blocks: KnownBlock[] } {
  return { text: cardFallbackText(card), blocks: renderCardBlocks(card) };
}
