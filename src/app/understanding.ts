import { clipAnswer, type Interpretation, type PartialSendRequest, type Turn } from '../core/interpretation.js';
import {
  CANCELLED,
  completeOrAsk,
  isCancel,
  normaliseInput,
  NOTHING_TO_CANCEL,
  questionFor,
  readSaveContact,
} from '../core/parser/index.js';
import type { Clock, ContactBook, ConversationStore, Interpreter } from '../core/ports.js';
import type { Actor, SendRequest } from '../core/send-request.js';
import { resolveName } from './understanding/contact-resolution.js';
import { saveContactFromChat } from './understanding/save-contact.js';

export interface UnderstandDeps {
  interpreter: Interpreter;
  contacts: ContactBook;
  conversations: ConversationStore;
  clock: Clock;
  defaultRegion: string;
}
export interface UnderstandInput {
  /** Who is speaking: named in the audit of a contact they save. */
  actor?: Actor;
  conversationKey: string;
  contactScope: string;
  text: string;
}
export type Understood =
  | { kind: 'send'; request: SendRequest; viaContact: boolean } // complete; the caller validates, policy-checks and drafts it
  | { kind: 'reply'; text: string }; // answer only (includes questions and refusals)

/** Turns kept for the interpreter's context. */
const HISTORY_TURNS = 10;
/** A half-finished request older than this is forgotten, so a stray "+1555…" next week drafts nothing. */
export const PENDING_TTL_MS = 30 * 60_000;

interface Outcome {
  result: Understood;
  /** The partial request to remember; null clears it. */
  pending: PartialSendRequest | null;
}

/**
 * One step of a conversation: load its state, interpret the words, resolve a
 * contact name, and either return a complete send request or the sentence to
 * say (an answer, a question or a refusal). The state is saved either way.
 */
export async function understand(deps: UnderstandDeps, input: UnderstandInput): Promise<Understood> {
  const now = deps.clock.now();
  const state = await deps.conversations.get(input.conversationKey);
  const history = state?.history ?? [];
  const pending = state?.pending && now.getTime() - state.updatedAt.getTime() <= PENDING_TTL_MS ? state.pending : null;

  const outcome = await decide(deps, input, history, pending);
  // Whatever the interpreter said is cut before it is stored or shown (any interpreter, not only the model).
  if (outcome.result.kind === 'reply') outcome.result = { kind: 'reply', text: clipAnswer(outcome.result.text) };
  const assistantText = outcome.result.kind === 'reply' ? outcome.result.text : describeSend(outcome.result.request);
  // History is context for the next turn, not a record (the audit log is): each turn is kept short.
  const turns: Turn[] = [{ role: 'user', text: clipAnswer(input.text) }, { role: 'assistant', text: clipAnswer(assistantText) }];
  await deps.conversations.put(input.conversationKey, {
    pending: outcome.pending,
    history: [...history, ...turns].slice(-HISTORY_TURNS),
    updatedAt: now,
  });
  return outcome.result;
}

async function decide(deps: UnderstandDeps, input: UnderstandInput, history: Turn[], pending: PartialSendRequest | null): Promise<Outcome> {
  const text = normaliseInput(input.text);
  if (isCancel(text)) {
    return { result: { kind: 'reply', text: pending ? CANCELLED : NOTHING_TO_CANCEL }, pending: null };
  }

  const save = readSaveContact(text, deps.defaultRegion);
  if (save) {
    const saved = await saveContactFromChat(deps, input.actor ?? null, input.contactScope, save);
    if (!saved.ok) return { result: { kind: 'reply', text: saved.text }, pending };
    // "Who is Bob?" → "save Bob as +1555…": save it, then carry on with the waiting request.
    if (pending?.toName && !pending.to && pending.toName.toLowerCase() === saved.contact.name.toLowerCase()) {
      const next = await resolveAndComplete(deps, input, pending);
      if (next.result.kind === 'reply') next.result = { kind: 'reply', text: `${saved.text} ${next.result.text}` };
      return next;
    }
    return { result: { kind: 'reply', text: saved.text }, pending };
  }

  const contactNames = (await deps.contacts.list(input.contactScope)).map((c) => c.name);
  const interpretation = await deps.interpreter.interpret(input.text, {
    history,
    pending: pending ?? undefined,
    contactNames,
    defaultRegion: deps.defaultRegion,
  });
  return fromInterpretation(deps, input, interpretation, pending);
}

async function fromInterpretation(
  deps: UnderstandDeps,
  input: UnderstandInput,
  interpretation: Interpretation,
  pending: PartialSendRequest | null,
): Promise<Outcome> {
  switch (interpretation.kind) {
    case 'reply':
      // An aside ("what can you do?") keeps a half-finished request waiting; cancel is handled above.
      return { result: { kind: 'reply', text: interpretation.text }, pending };
    case 'question':
      return resolveAndComplete(deps, input, interpretation.partial, interpretation.text);
    case 'send': {
      const { request } = interpretation;
      // A model may put a contact's name where the address goes; resolve it like any name.
      if (request.channel !== 'notify' && !looksLikeAddress(request.to)) {
        return resolveAndComplete(deps, input, { channel: request.channel, toName: request.to, text: request.text, subject: request.subject });
      }
      // The address may have come from a contact looked up on an earlier turn — or been typed in answer to "Who is Bob?".
      const viaContact = await isContactAddress(deps.contacts, input.contactScope, pending, request);
      return { result: { kind: 'send', request, viaContact }, pending: null };
    }
  }
}

/** Fill `toName` from the contact book when it is unambiguous; then send, or ask the next question. */
async function resolveAndComplete(deps: UnderstandDeps, input: UnderstandInput, given: PartialSendRequest, question?: string): Promise<Outcome> {
  // A model may also put a name in a partial's `to`.
  const partial = given.to && !looksLikeAddress(given.to) ? { ...given, to: undefined, toName: given.toName ?? given.to } : given;
  let next = partial;
  let viaContact = false;
  if (partial.toName && !partial.to && partial.channel !== 'notify') {
    const resolution = await resolveName(deps.contacts, input.contactScope, partial);
    if (resolution.kind === 'ask') return { result: { kind: 'reply', text: resolution.text }, pending: resolution.partial };
    if (resolution.kind === 'unknown') return { result: { kind: 'reply', text: question ?? questionFor(partial) }, pending: partial };
    next = resolution.partial;
    viaContact = true;
  }
  const step = completeOrAsk(next, { history: [], defaultRegion: deps.defaultRegion });
  if (step.kind === 'send') return { result: { kind: 'send', request: step.request, viaContact }, pending: null };
  if (step.kind === 'question') {
    // After a lookup the interpreter's question is stale ("Who is Bob?"): ask the next thing.
    const text = viaContact || !question ? step.text : question;
    return { result: { kind: 'reply', text }, pending: step.partial };
  }
  // The request is complete but invalid (e.g. too long for SMS): say why and drop it.
  return { result: { kind: 'reply', text: step.text }, pending: null };
}

/** True when the request goes to the saved address of the contact the person named. */
async function isContactAddress(contacts: ContactBook, scope: string, pending: PartialSendRequest | null, request: SendRequest): Promise<boolean> {
  if (!pending?.toName || pending.to !== request.to) return false;
  const saved = await contacts.find(scope, pending.toName);
  return saved.some((c) => c.address === request.to && c.channel === request.channel);
}

/** Digits, an @, or nothing at all (notify): an address rather than a contact's name. */
function looksLikeAddress(to: string): boolean {
  return to === '' || /[@\d]/.test(to);
}

function describeSend(request: SendRequest): string {
  const subject = request.subject ? ` (subject "${request.subject}")` : '';
  return `Drafted ${request.channel} to ${request.to || 'this device'}${subject}: "${request.text}"`;
}
