import type { CardAction } from '../../core/card.js';

/**
 * Callback data names the action, the draft and the version the card shows:
 * `c:<uuid>:<version>` (Send), `e:…` (Edit), `x:…` (Cancel) — at most 48 bytes
 * for a UUID; Telegram allows 64. Buttons drawn before versions existed carry
 * `c:<uuid>`; they still decode, with no version (the current one, where
 * policy allows that).
 */
const CODES: Record<CardAction, string> = { confirm: 'c', edit: 'e', cancel: 'x' };
const ACTIONS: Record<string, CardAction> = { c: 'confirm', e: 'edit', x: 'cancel' };

/** Telegram rejects callback data longer than this many bytes (BUTTON_DATA_INVALID). */
export const CALLBACK_DATA_LIMIT = 64;

export interface CallbackTarget {
  action: CardAction;
  draftId: string;
  /** Absent on buttons drawn before versions existed. */
  version?: number;
}

export function encodeCallback(action: CardAction, draftId: string, version: number): string {
  const data = `${CODES[action]}:${draftId}:${version}`;
  if (Buffer.byteLength(data, 'utf8') > CALLBACK_DATA_LIMIT) {
    throw new Error(`callback data for draft ${draftId} is longer than ${CALLBACK_DATA_LIMIT} bytes`);
  }
  return data;
}

/** The action, draft and version a button names, or null for data this bot never made (forged buttons). */
export function decodeCallback(data: string): CallbackTarget | null {
  if (Buffer.byteLength(data, 'utf8') > CALLBACK_DATA_LIMIT) return null;
  const match = /^([cex]):([\w-]{1,60})(?::([1-9]\d{0,8}))?$/.exec(data);
  if (!match) return null;
  const action = ACTIONS[match[1]!];
  if (!action) return null;
  return match[3] === undefined ? { action, draftId: match[2]! } : { action, draftId: match[2]!, version: Number(match[3]) };
}
