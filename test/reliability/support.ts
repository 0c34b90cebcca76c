/** Small shared helpers for the reliability and delivery-worker tests. */
import { randomUUID } from 'node:crypto';
import type { Draft } from '../../src/core/draft.js';
import type { Notifier, Relay, RelayMessage, RelayResult } from '../../src/core/ports.js';
import type { Actor, ConversationRef } from '../../src/core/send-request.js';
import type { Stores } from '../../src/adapters/db/index.js';

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/**
 * Wait until `check` returns something truthy, polling every 10 ms, at most
 * `tries` times; throws naming `what` when it never does. Bounds a wait, never measures one.
 */
export async function until<T>(check: () => T | Promise<T>, what: string, tries = 1000): Promise<Truthy<T>> {
  for (let i = 0; i < tries; i++) {
    const value = await check();
    if (value) return value as Truthy<T>;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting: ${what}`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface HeldCall {
  message: RelayMessage;
  answer(result?: Partial<RelayResult>): void;
  fail(error: Error): void;
}

/** A relay whose every call waits until the test answers it: the test decides order and outcome. */
export function heldRelay(): Relay & { calls: HeldCall[] } {
  const calls: HeldCall[] = [];
  return {
    dryRun: false,
    calls,
    send: (message) =>
      new Promise<RelayResult>((resolve, reject) => {
        calls.push({
          message,
          answer: (result) => resolve({ dryRun: false, relayMessageId: `m-${calls.length}`, status: 200, ...result }),
          fail: reject,
        });
      }),
  };
}

/** Records every card update as `status` in order of completion. */
export function recordingNotifier(): Notifier & { seen: Array<{ id: string; status: string }> } {
  const seen: Array<{ id: string; status: string }> = [];
  return {
    seen,
    async draftChanged(draft: Draft) {
      seen.push({ id: draft.id, status: draft.status });
    },
  };
}

export const webConversation: ConversationRef = { platform: 'web', chatId: 'reliability' };

/** A requester nobody else uses (tests share a database within a file). */
export const freshPerson = (): Actor => ({ platform: 'web', userId: `p-${randomUUID().slice(0, 8)}` });

/** A pending draft straight through the store (no interpreter needed). */
export async function pendingDraft(stores: Stores, now: Date, requester: Actor = freshPerson(), text = 'Deploy finished.'): Promise<Draft> {
  return stores.drafts.create(
    { channel: 'sms', to: '+15551234567', text, subject: null, requester, conversation: webConversation, ttlMs: 15 * 60_000 },
    now,
    { actor: requester, action: 'draft.created' },
  );
}

/** A confirmed draft whose delivery job is due at `now`. */
export async function confirmedDraft(stores: Stores, now: Date): Promise<Draft> {
  const draft = await pendingDraft(stores, now);
  const confirmed = await stores.drafts.confirm(draft.id, draft.version, draft.requester, now, { actor: draft.requester, action: 'draft.confirmed' });
  if (!confirmed) throw new Error('confirm failed');
  return confirmed;
}

/** The audit actions about one draft, oldest first. */
export async function actionsFor(stores: Stores, draftId: string): Promise<string[]> {
  return (await stores.audit.list({ draftId })).map((e) => e.action).reverse();
}
