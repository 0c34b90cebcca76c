import { z } from 'zod';
import { AppError } from './errors.js';
import type { Draft } from './draft.js';
import { actorKey, actorLabel, CHANNEL_LABELS, CHANNELS, channelSchema, type Actor, type SendRequest } from './send-request.js';
import { isTimeZone, quietHoursSchema } from './schedule/index.js';

/**
 * The policy file (JSON or YAML), validated at start. Every field has a safe
 * default so an empty file, or none, still runs.
 */
export const policySchema = z
  .object({
    /** Channels that may be used at all. */
    channels: z.array(channelSchema).min(1).default([...CHANNELS]),
    /** Recipient allowlist: exact values or `*` patterns such as `*@example.com`, `+1555*`. Unset: anyone. */
    recipients: z.array(z.string().min(1)).optional(),
    /** Only recipients saved in the contact book may be messaged. */
    contactsOnly: z.boolean().default(false),
    /** Who may draft: `platform:userId`, `platform:*`, or `*`. */
    senders: z.array(z.string().min(1)).default(['*']),
    approval: z
      .object({
        mode: z.enum(['requester', 'four-eyes']).default('requester'),
        /** In four-eyes mode: `platform:userId` of people who may approve others' drafts. */
        approvers: z.array(z.string().min(1)).default([]),
      })
      .default({ mode: 'requester', approvers: [] }),
    /**
     * Drafts requested by AI agents (over MCP): who may approve them (`platform:userId`,
     * as in approval.approvers) and where their cards go (`slack:<channel id>`,
     * `telegram:<chat id>`, `web` = the console's pending inbox). An agent never decides.
     */
    agents: z
      .object({
        approvers: z.array(z.string().regex(/^(slack|telegram|web):[^:*\s]+$/, 'each approver is platform:userId (slack:U…, telegram:<id>, web:<name>)')).default([]),
        notify: z.array(z.string().regex(/^(slack:[^:\s]+|telegram:-?\d+|web)$/, 'each destination is slack:<channel id>, telegram:<chat id> or web')).default(['web']),
      })
      .strict()
      .default({ approvers: [], notify: ['web'] }),
    /** How long a draft waits for a decision, in minutes. */
    draftTtlMinutes: z.number().positive().max(24 * 60).default(15),
    rateLimits: z
      .object({
        perSenderPerHour: z.number().int().positive().default(30),
        perRecipientPerDay: z.number().int().positive().default(50),
        globalPerMinute: z.number().int().positive().default(60),
        /** Drafts one person may have waiting for a decision at once. */
        pendingPerSender: z.number().int().positive().default(20),
      })
      .default({ perSenderPerHour: 30, perRecipientPerDay: 50, globalPerMinute: 60, pendingPerSender: 20 }),
    /**
     * Retention: drafts in a final state (sent, failed, cancelled, expired) are deleted this
     * many days after their last change. The audit log keeps every event regardless.
     */
    retentionDays: z.number().int().positive().default(90),
    /** The zone people's times ("at 5pm") are read in and cards show them in, unless the platform knows the person's own. */
    timezone: z.string().refine(isTimeZone, 'an IANA time zone such as "Europe/Berlin"').default('UTC'),
    /** How far ahead a send may be scheduled, in days. */
    maxScheduleDays: z.number().positive().max(366).default(30),
    /** No sends in this daily window; unset: none. */
    quietHours: quietHoursSchema.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.approval.mode === 'four-eyes' && p.approval.approvers.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['approval', 'approvers'], message: 'four-eyes mode needs at least one approver' });
    }
  });
export type Policy = z.infer<typeof policySchema>;
export const defaultPolicy = (): Policy => policySchema.parse({});

/** `*` matches any run of characters; everything else is literal; case-insensitive. */
export function matchesPattern(pattern: string, value: string): boolean {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 'i').test(value);
}

function actorMatches(entries: string[], actor: Actor): boolean {
  const key = actorKey(actor);
  return entries.some((e) => e === '*' || e === key || e === `${actor.platform}:*`);
}

/** May this person ask for drafts at all? Throws `denied:sender`. */
export function assertMaySend(policy: Policy, actor: Actor): void {
  if (!actorMatches(policy.senders, actor)) {
    throw new AppError('denied:sender', 'You are not on the list of people who may send messages with relaybot. Ask an admin to add you.');
  }
}

/**
 * Does the policy allow this (validated) request? Throws a `denied:*` AppError
 * whose message says what was refused and why. `isContact` is whether `to` is in the contact book.
 */
export function assertAllowed(policy: Policy, request: SendRequest, isContact: boolean): void {
  if (!policy.channels.includes(request.channel)) {
    const enabled = policy.channels.map((c) => CHANNEL_LABELS[c]).join(', ');
    throw new AppError('denied:channel', `${CHANNEL_LABELS[request.channel]} is turned off here. Enabled channels: ${enabled}.`);
  }
  if (request.channel === 'notify') return;
  if (policy.contactsOnly && !isContact) {
    throw new AppError('denied:recipient', `${request.to} is not in the contact book, and this workspace only sends to saved contacts.`);
  }
  if (policy.recipients && !policy.recipients.some((p) => matchesPattern(p, request.to))) {
    throw new AppError('denied:recipient', `${request.to} is not on the recipient allowlist, so relaybot will not message it.`);
  }
}

/**
 * May `actor` confirm, edit or cancel a draft requested by `requester`?
 * Returns null when yes, otherwise the sentence to show the person who clicked.
 */
export function deciderRefusal(policy: Policy, requester: Actor, actor: Actor, action: 'confirm' | 'edit' | 'cancel'): string | null {
  const isRequester = actorKey(requester) === actorKey(actor);
  if (actor.platform === 'agent') {
    // An agent may withdraw its own request; approving or changing is always a person's call.
    if (isRequester && action === 'cancel') return null;
    return action === 'cancel' ? 'An agent can cancel only its own requests.' : `An agent cannot ${action} a draft; a person approves every message.`;
  }
  if (requester.platform === 'agent') {
    if (policy.agents.approvers.includes(actorKey(actor))) return null;
    const who = policy.agents.approvers.length > 0 ? policy.agents.approvers.join(', ') : 'nobody is listed yet — set agents.approvers in the policy';
    return `Only an approver of agents' requests (${who}) can ${action} this draft.`;
  }
  if (policy.approval.mode === 'requester') {
    return isRequester ? null : `Only ${actorLabel(requester)}, who asked for this message, can ${action} it.`;
  }
  // Four-eyes: the requester may edit or cancel their own draft but never approve it.
  if (isRequester) return action === 'confirm' ? 'You asked for this message, so someone else must approve it (four-eyes mode).' : null;
  const isApprover = policy.approval.approvers.some((a) => a === actorKey(actor));
  if (isApprover && action !== 'edit') return null;
  if (isApprover) return `Only ${actorLabel(requester)} can edit this draft; approvers can send or cancel it.`;
  return `Only an approver (${policy.approval.approvers.join(', ')}) can ${action} this draft.`;
}

/**
 * Must a confirm of this draft name the version it approves? In four-eyes mode
 * the approver is not the author, so "whatever is there now" could be content
 * the approver never saw. The draft is passed so that drafts requested by
 * agents can require it too. Elsewhere a missing version means the current one.
 */
export function versionRequired(policy: Policy, draft: Pick<Draft, 'requester'>): boolean {
  return policy.approval.mode === 'four-eyes' || draft.requester.platform === 'agent';
}

export interface RateCounts {
  senderLastHour: number;
  recipientLastDay: number;
  globalLastMinute: number;
}

/** How far back each count reaches, ms: the windows the limits below are stated in. */
export const RATE_WINDOWS_MS: Readonly<Record<keyof RateCounts, number>> = {
  senderLastHour: 3_600_000,
  recipientLastDay: 86_400_000,
  globalLastMinute: 60_000,
};

/** What drafting one more checks: the send windows, and the requester's drafts still waiting for a decision. */
export interface DraftingCounts extends RateCounts {
  senderPending: number;
  /** When the first of those pending drafts expires; null when there is none. */
  senderPendingNextExpiry: Date | null;
}

/**
 * May this person make one more draft? Pending drafts hold memory, cards and
 * audit rows, so their number per requester is capped; the refusal says how
 * many are waiting and how to clear them. Then the send windows, as for a confirm.
 */
export function assertMayDraft(policy: Policy, counts: DraftingCounts, now: Date): void {
  const cap = policy.rateLimits.pendingPerSender;
  if (counts.senderPending >= cap) {
    const waitMs = Math.max(0, (counts.senderPendingNextExpiry?.getTime() ?? now.getTime()) - now.getTime());
    const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
    throw new AppError(
      'denied:rate_limit',
      `You have ${counts.senderPending} drafts waiting for a decision (limit ${cap}). Send or cancel some of them, or wait for them to expire — the next one expires in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      { retryAfterMs: Math.max(1000, waitMs) },
    );
  }
  assertWithinRateLimits(policy, counts);
}

/** Would one more send exceed a limit? Throws `denied:rate_limit` saying when to try again. */
export function assertWithinRateLimits(policy: Policy, counts: RateCounts): void {
  const l = policy.rateLimits;
  if (counts.globalLastMinute >= l.globalPerMinute) {
    throw new AppError('denied:rate_limit', `relaybot is sending at its limit of ${l.globalPerMinute} messages a minute; try again in a minute.`, { retryAfterMs: 60_000 });
  }
  if (counts.senderLastHour >= l.perSenderPerHour) {
    throw new AppError('denied:rate_limit', `You have sent ${counts.senderLastHour} messages in the last hour (limit ${l.perSenderPerHour}); try again within the hour.`, { retryAfterMs: 3_600_000 });
  }
  if (counts.recipientLastDay >= l.perRecipientPerDay) {
    throw new AppError('denied:rate_limit', `This recipient has had ${counts.recipientLastDay} messages today (limit ${l.perRecipientPerDay}); try again tomorrow.`, { retryAfterMs: 86_400_000 });
  }
}
