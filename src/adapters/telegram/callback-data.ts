import type { CardAction } from '../../core/card.js';

/**
 * Callback data names the action and the draft: `c:<uuid>` (Send), `e:<uuid>`
 * (Edit), `x:<uuid>` (Cancel). 38 bytes for a UUID — Telegram allows 64.
 */
const CODES: Record<CardAction, string> = { confirm: 'c', edit: 'e', cancel: 'x' };
const ACTIONS: Record<string, CardAction> = { c: 'confirm', e: 'edit', x: 'cancel' };

/** Telegram rejects callback data longer than this many bytes (BUTTON_DATA_INVALID). */
export const CALLBACK_DATA_LIMIT = 64;

export function encodeCallback(action: CardAction, draftId: string): string {
  const data = `${CODES[action]}:${draftId}`;
  if (Buffer.byteLength(data, 'utf8') > CALLBACK_DATA_LIMIT) {
    throw new Error(`callback data for draft ${draftId} is longer than ${CALLBACK_DATA_LIMIT} bytes`);
  }
  return data;
}

/** The action and draft a button names, or null for data this bot never made (old or forged buttons). */
export function decodeCallback(data: string): { action: CardAction; draftId: string } | null {
  const match = /^([cex]):([\w-]{1,60})$/.exec(data);
  if (!match) return null;
  const action = ACTIONS[match[1]!];
  return action ? { action, draftId: match[2]! } : null;
}
