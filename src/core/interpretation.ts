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
  | { kind: 'send'; request: SendRequest }
  | { kind: 'question'; text: string; partial: PartialSendRequest }
  | { kind: 'reply'; text: string };

/** What is known so far in a multi-turn request. `toName` is a contact name still to resolve. */
export interface PartialSendRequest {
  channel?: Channel | undefined;
  to?: string | undefined;
  toName?: string | undefined;
  text?: string | undefined;
  subject?: string | null | undefined;
}

/** Context an interpreter may use: earlier turns, the pending partial request, known contact names. */
export interface InterpretContext {
  history: Turn[];
  pending?: PartialSendRequest | undefined;
  contactNames?: string[] | undefined;
  defaultRegion: string;
}
