import { InlineKeyboard } from 'grammy';
import { fieldsWithPreview, previewNotes, type Card, type CardButton } from '../../core/card.js';
import { encodeCallback } from './callback-data.js';
import { escapeHtml, truncate } from './html.js';

export interface RenderedCard {
  text: string;
  parse_mode: 'HTML';
  /** Empty once the draft is decided or expired: editing with it removes the buttons. */
  reply_markup: InlineKeyboard;
}

/** Telegram allows 4096 characters of visible text; keep room for the headline, labels and an intro line. */
const MESSAGE_BUDGET = 3000;
const FIELD_BUDGET = 300;

const STYLES: Record<CardButton['style'], 'primary' | 'danger' | undefined> = {
  primary: 'primary',
  default: undefined,
  danger: 'danger',
};

/** The inline keyboard for a card: Send / Edit / Cancel on one row, none once decided. */
export function renderKeyboard(card: Card): InlineKeyboard {
  // No rows at all (not one empty row) once decided: an edit with it clears the buttons.
  if (card.buttons.length === 0) return new InlineKeyboard([]);
  const keyboard = new InlineKeyboard();
  for (const button of card.buttons) {
    keyboard.text(button.label, encodeCallback(button.action, card.draftId, card.version));
    const style = STYLES[button.style];
    if (style) keyboard.style(style);
  }
  return keyboard;
}

/**
 * A draft card as a Telegram message. Every value a person or the model wrote is
 * escaped, so it shows literally; the message body is quoted so it stands apart.
 */
export function renderCard(card: Card): RenderedCard {
  const lines = [`<b>${escapeHtml(card.headline)}</b>`, ''];
  for (const field of fieldsWithPreview(card)) {
    if (field.label === 'Message') {
      lines.push(`<b>Message:</b>`, `<blockquote>${escapeHtml(truncate(field.value, MESSAGE_BUDGET))}</blockquote>`);
    } else {
      lines.push(`<b>${escapeHtml(field.label)}:</b> ${escapeHtml(truncate(field.value, FIELD_BUDGET))}`);
    }
  }
  lines.push(`<i>${escapeHtml(card.context)}</i>`);
  for (const note of previewNotes(card.preview, card.status)) lines.push(escapeHtml(note));
  return { text: lines.join('\n'), parse_mode: 'HTML', reply_markup: renderKeyboard(card) };
}
