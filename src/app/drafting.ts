import { AppError } from '../core/errors.js';
import { assertMayDraft, assertMaySend } from '../core/policy.js';
import type { Metrics } from '../core/ports.js';
import { assertStorable, assertStorableActor } from '../core/storable-text.js';
import { validateSendRequest } from '../core/validation.js';
import { contactScope, conversationKey } from './conversation-keys.js';
import { assertRecipientAllowed } from './recipient-check.js';
import type { AgentReply, MessageInput, RelayBotDeps } from './relaybot.js';
import { planSchedule } from './scheduling.js';
import { isTimeZone } from '../core/schedule/time-zone.js';
import { currentTraceparent, draftAttributes, inSpan, recordErrorOnActiveSpan, sessionAttributes, setContent } from './tracing.js';
import { understand } from './understanding.js';

/** One `relaybot.message` span per request in words (the draft's first trace): who, where, and the draft it made or the refusal. */
export function inMessageSpan(input: MessageInput, run: () => Promise<AgentReply>): Promise<AgentReply> {
  const attributes = { ...sessionAttributes(input.actor, input.conversation), 'relaybot.platform': input.conversation.platform };
  return inSpan('relaybot.message', { attributes }, async (span) => {
    setContent(span, { 'relaybot.message.text': input.text });
    const reply = await run();
    if (reply.draft) span.setAttributes(draftAttributes(reply.draft));
    if (reply.refused) span.setAttribute('relaybot.refused', reply.refused);
    return reply;
  });
}

/** Understand one message and, when it is a complete send request that policy allows, create a pending draft. */
export async function draftFromWords(deps: RelayBotDeps, metrics: Metrics, input: MessageInput): Promise<AgentReply> {
  const { stores, clock, policy } = deps;
  const now = clock.now();
  // The person's own zone when their platform gives a valid one; else the policy's.
  const timeZone = input.timeZone && isTimeZone(input.timeZone) ? input.timeZone : policy.timezone;
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
    const understood = input.request ? { kind: 'send' as const, request: input.request, viaContact: false, sendAt: undefined } : await inSpan(
      'relaybot.understand', { attributes: { 'relaybot.interpreter': deps.interpreter.name } }, () => understand(
        {
          interpreter: deps.interpreter,
          contacts: stores.contacts,
          conversations: stores.conversations,
          clock,
          defaultRegion: deps.defaultRegion,
          timeZone,
          maxScheduleDays: policy.maxScheduleDays,
        },
        { conversationKey: conversationKey(input.conversation, input.actor), contactScope: scope, text: input.text, actor: input.actor },
      ));
    metrics.interpretDuration(deps.interpreter.name, (performance.now() - started) / 1000);
    if (understood.kind === 'reply') return { text: understood.text, draft: null };

    const { request, schedule } = await inSpan('relaybot.policy', { attributes: { 'relaybot.channel': understood.request.channel } }, async (span) => {
      setContent(span, { 'relaybot.message.to': understood.request.to, 'relaybot.message.body': understood.request.text });
      const valid = validateSendRequest(understood.request, deps.defaultRegion);
      await assertRecipientAllowed({ policy, contacts: stores.contacts, optOuts: stores.optOuts }, valid, input.conversation, understood.viaContact);
      const when = planSchedule(policy, understood.sendAt ?? null, now, timeZone);
      assertMayDraft(policy, await stores.drafts.rateCounts(input.actor, valid.channel, valid.to, now), now);
      return { request: valid, schedule: when };
    });
    // The request's trace, kept with the draft: its decision and deliveries link back to it.
    const traceparent = currentTraceparent();

    const draft = await inSpan('relaybot.draft.write', { attributes: { 'relaybot.channel': request.channel } }, () => stores.drafts.create(
      {
        ...request, requester: input.actor, conversation: input.conversation, cardRef: input.cardRef ?? null, reason: input.reason ?? null,
        ttlMs: policy.draftTtlMinutes * 60_000, traceparent, ...schedule, timeZone,
      },
      now,
      {
        actor: input.actor,
        action: 'draft.created',
        details: {
          request,
          interpreter: input.request ? 'structured' : deps.interpreter.name,
          viaContact: understood.viaContact,
          ...(input.reason ? { reason: input.reason } : {}),
          ...(schedule.sendAt && { sendAt: schedule.sendAt.toISOString(), heldForQuietHours: schedule.heldForQuietHours }),
        },
      },
    ));
    metrics.draftCreated(draft.channel);
    const ask = policy.approval.mode === 'four-eyes' ? 'An approver must press Send' : 'Check it and press Send';
    return { text: `Here is your draft. ${ask} — nothing goes out before that.`, draft };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    recordErrorOnActiveSpan(error);
    await stores.audit.append({
      actor: input.actor,
      action: 'request.refused',
      details: { code: error.code, reason: error.message },
    });
    return { text: error.message, draft: null, refused: error.code };
  }
}
