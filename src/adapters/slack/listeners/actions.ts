import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { AppError } from '../../../core/errors.js';
import type { Actor } from '../../../core/send-request.js';
import { decodeButtonValue } from '../button-value.js';
import { encodeCardRef } from '../card-ref.js';
import { NOT_ALLOWED, slackActor } from '../people.js';
import { ACTION_IDS } from '../render-card.js';
import { MODAL_TEXT_LIMIT, renderEditModal } from '../render-edit-modal.js';
import { tellEphemeral, unexpected, type EphemeralTarget, type ListenerDeps } from './listener-deps.js';

type Click = BlockAction<ButtonAction>;

/**
 * Send / Edit / Cancel on a card. Acked at once; the decision is RelayBot's
 * (who may decide, exactly one winner of concurrent clicks, the audit entry);
 * the clicker hears any refusal privately, and the card is redrawn from what is stored.
 */
export function registerActions(app: App, deps: ListenerDeps): void {
  app.action<Click>({ type: 'block_actions', action_id: ACTION_IDS.confirm }, async ({ ack, body, action }) => {
    await ack();
    await decide(deps, body, action.value, 'confirm');
  });
  app.action<Click>({ type: 'block_actions', action_id: ACTION_IDS.cancel }, async ({ ack, body, action }) => {
    await ack();
    await decide(deps, body, action.value, 'cancel');
  });
  app.action<Click>({ type: 'block_actions', action_id: ACTION_IDS.edit }, async ({ ack, body, action, client }) => {
    await ack();
    const ctx = await clickContext(deps, body, action.value);
    if (!ctx) return;
    const { draftId, version, actor, target } = ctx;
    try {
      // Refuses (and audits) strangers, decided, expired and changed drafts; the catch below says why.
      const draft = await deps.bot.openEdit(draftId, actor, version);
      if (draft.text.length > MODAL_TEXT_LIMIT || (draft.subject?.length ?? 0) > MODAL_TEXT_LIMIT) {
        await tellEphemeral(deps, target, `This message is longer than Slack lets me edit (${MODAL_TEXT_LIMIT} characters). Cancel it and ask again with the new words.`);
        return;
      }
      // The trigger_id lives 3 seconds; the only work before this is one draft read.
      await client.views.open({ trigger_id: body.trigger_id, view: renderEditModal(draft) });
    } catch (err) {
      await refused(deps, err, draftId, target, 'opening the edit modal');
    }
  });
}

interface ClickContext {
  draftId: string;
  /** The version the clicked card showed; absent on cards drawn before versions existed. */
  version: number | undefined;
  actor: Actor;
  target: EphemeralTarget;
}

/** Who clicked, where to answer them, and — for an ephemeral card — remember its fresh response_url. */
async function clickContext(deps: ListenerDeps, body: Click, value: string | undefined): Promise<ClickContext | null> {
  const target: EphemeralTarget = {
    responseUrl: body.response_url,
    channel: body.channel?.id ?? (body.container['channel_id'] as string | undefined),
    user: body.user.id,
    threadTs: body.container['thread_ts'] as string | undefined,
  };
  if (!deps.isAllowed(body.user.id)) {
    await tellEphemeral(deps, target, NOT_ALLOWED);
    return null;
  }
  const button = decodeButtonValue(value);
  if (!button) return null;
  const { draftId } = button;
  // Only the requester sees an ephemeral card, and its response_url is the only way to redraw it
  // later (a newer one lasts longer), so store it before deciding: the worker reads it from there.
  if (body.container['is_ephemeral'] === true && body.response_url) {
    await deps.bot.cards.record(draftId, encodeCardRef({ kind: 'response_url', url: body.response_url }));
  }
  return { draftId, version: button.version, actor: slackActor(body.user.id, body.user.username ?? body.user.name), target };
}

async function decide(deps: ListenerDeps, body: Click, value: string | undefined, decision: 'confirm' | 'cancel'): Promise<void> {
  const ctx = await clickContext(deps, body, value);
  if (!ctx) return;
  try {
    if (decision === 'confirm') await deps.bot.confirm(ctx.draftId, ctx.actor, ctx.version);
    else await deps.bot.cancel(ctx.draftId, ctx.actor, ctx.version);
    await deps.bot.cards.refresh(ctx.draftId);
  } catch (err) {
    await refused(deps, err, ctx.draftId, ctx.target, decision);
  }
}

/**
 * Tell the clicker why not; when the draft moved on (expired, decided or
 * edited by someone else) redraw the card too — after a stale click always,
 * so the clicker sees the version that is there now.
 */
async function refused(deps: ListenerDeps, err: unknown, draftId: string, target: EphemeralTarget, what: string): Promise<void> {
  const sentence = err instanceof AppError ? err.message : unexpected(deps, err, what);
  await tellEphemeral(deps, target, sentence);
  if (!AppError.is(err, 'denied:decider')) await deps.bot.cards.refresh(draftId, { force: AppError.is(err, 'conflict:version') });
}
