import type { Channel, SendRequest } from './send-request.js';

/** One turn of a conversation, as an interpreter sees it. */
export interface Turn {
  role: 'user' | 'assistant';
  text: string;
}

/**
 * What an interpreter (the model or the offline parser) makes of a message.
 * - `send`: a complete proposal; still validated and policy-checked after.
 * - `question`: something is missing or unclear; ask, and remember what we have.
 * - `reply`: not a send request (or something relaybot cannot do): answer, no draft.
 */
export type Interpretation =
  | { kind: 'send'; request: SendRequest; sendAt?: Date | undefined }
  | { kind: 'question'; text: string; partial: PartialSendRequest }
  | { kind: 'reply'; text: string };

/** What is known so far in a multi-turn request. `toName` is a contact name still to resolve. */
export interface PartialSendRequest {
  channel?: Channel | undefined;
  to?: string | undefined;
  toName?: string | undefined;
  text?: string | undefined;
  subject?: string | null | undefined;
  /** When to send (ISO 8601), once a time was read. */
  sendAt?: string | undefined;
  /** The last question asked for a time: an answer like "tomorrow at 9:00" fills `sendAt`. */
  askedWhen?: boolean | undefined;
}

/** Context an interpreter may use: earlier turns, the pending partial request, known contact names. */
export interface InterpretContext {
  history: Turn[];
  pending?: PartialSendRequest | undefined;
  contactNames?: string[] | undefined;
  defaultRegion: string;
  /** The instant "at 5pm" and "in 20 minutes" are read from; default: the current time. */
  now?: Date | undefined;
  /** The requester's IANA zone; default UTC. */
  timeZone?: string | undefined;
  /** How far ahead a send may be scheduled, days; default 30. */
  maxScheduleDays?: number | undefined;
}

/**
 * Longest answer or question relaybot passes on (characters). A model can
 * answer megabytes; its words are streamed to a person and kept in the
 * conversation history, so they are cut to a length a person reads.
 */
export const ANSWER_LIMIT = 4000;

/** `text` cut to `limit` characters (never inside a surrogate pair), marked with an ellipsis when cut. */
export function clipAnswer(text: string, limit = ANSWER_LIMIT): string {
  if (text.length <= limit) return text;
  let end = limit - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
