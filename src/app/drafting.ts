import { AppError } from '../core/errors.js';
import { assertAllowed, assertMayDraft, assertMaySend } from '../core/policy.js';
import type { Metrics } from '../core/ports.js';
import { assertStorable, assertStorableActor } from '../core/storable-text.js';
import { validateSendRequest } from '../core/validation.js';
import { contactScope, conversationKey } from './conversation-keys.js';
import type { AgentReply, MessageInput, RelayBotDeps } from './relaybot.js';
import { understand } from './understanding.js';

/** Understand one message and, when it is a complete send request that policy allows, create a pending draft. */
export async function draftFromWords(deps: RelayBotDeps, metrics: Metrics, input: MessageInput): Promise<AgentReply> {
  const { stores, clock, policy } = deps;
  const now = clock.now();
  // Who and where are written into the audit entry of any refusal, so they are checked before anything is recorded.
  assertStorableActor(input.actor);
  assertStorable('conversation', input.conversation.chatId);
  try {
    assertStorable('text', input.text);
    assertStorable('reason', input.reason ?? null);
    assertMaySend(policy, input.actor);
    const started = performance.now();
    const scope = contactScope(input.conversation);
    // An agent's structured request is its proposal as is; words go through understanding like anyone's.
    const understood = input.request ? { kind: 'request' as const, request: input.request, viaContact: false } : await understand(
      {
        interpreter: deps.interpreter,
        contacts: stores.contacts,
        conversations: stores.conversations,
        clock,
        defaultRegion: deps.defaultRegion,
      },
      { conversationKey: conversationKey(input.conversation, input.actor), contactScope: scope, text: input.text, actor: input.actor },
    );
    metrics.interpretDuration(deps.interpreter.name, (performance.now() - started) / 1000);
    if (understood.kind === 'reply') return { text: understood.text, draft: null };

    const request = validateSendRequest(understood.request, deps.defaultRegion);
    // The contact book is consulted only when the policy restricts recipients to it.
    const isContact = understood.viaContact || (policy.contactsOnly && (await stores.contacts.has(scope, request.channel, request.to)));
    assertAllowed(policy, request, isContact);
    assertMayDraft(policy, await stores.drafts.rateCounts(input.actor, request.channel, request.to, now), now);

    const draft = await stores.drafts.create(
      { ...request, requester: input.actor, conversation: input.conversation, cardRef: input.cardRef ?? null, reason: input.reason ?? null, ttlMs: policy.draftTtlMinutes * 60_000 },
      now,
      {
        actor: input.actor,
        action: 'draft.created',
        details: {
          request,
          interpreter: input.request ? 'structured' : deps.interpreter.name,
          viaContact: understood.viaContact,
          ...(input.reason ? { reason: input.reason } : {}),
        },
      },
    );
    metrics.draftCreated(draft.channel);
    const ask = policy.approval.mode === 'four-eyes' ? 'An approver must press Send' : 'Check it and press Send';
    return { text: `Here is your draft. ${ask} — nothing goes out before that.`, draft };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await stores.audit.append({
      actor: input.actor,
      action: 'request.refused',
      details: { code: error.code, reason: error.message },
    });
    return { text: error.message, draft: null, refused: error.code };
  }
}
