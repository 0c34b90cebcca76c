import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import { assertAllowed, assertMaySend, assertWithinRateLimits, deciderRefusal, matchesPattern, policySchema, versionRequired } from '../../src/core/policy.js';
import type { Actor, SendRequest } from '../../src/core/send-request.js';

const alice: Actor = { platform: 'slack', userId: 'U1', name: 'alice' };
const bob: Actor = { platform: 'slack', userId: 'U2', name: 'bob' };
const carol: Actor = { platform: 'slack', userId: 'U3', name: 'carol' };
const req = (to: string, channel: SendRequest['channel'] = 'email'): SendRequest => ({ channel, to, text: 'x', subject: null });
const refusal = (fn: () => void) => {
  try {
    fn();
    return null;
  } catch (error) {
    return error instanceof AppError ? `${error.code}: ${error.message}` : String(error);
  }
};

describe('policy', () => {
  it('has safe defaults: every channel, anyone in the workspace, requester decides, 15 min TTL', () => {
    const p = policySchema.parse({});
    expect(p.channels).toHaveLength(7);
    expect(p.approval.mode).toBe('requester');
    expect(p.draftTtlMinutes).toBe(15);
  });

  it('rejects unknown fields and four-eyes without approvers', () => {
    expect(policySchema.safeParse({ chanels: ['sms'] }).success).toBe(false);
    expect(policySchema.safeParse({ approval: { mode: 'four-eyes' } }).success).toBe(false);
  });

  it('matches recipient patterns literally except for *', () => {
    expect(matchesPattern('*@example.com', 'ops@example.com')).toBe(true);
    expect(matchesPattern('*@example.com', 'ops@example.com.evil.io')).toBe(false);
    expect(matchesPattern('*@example.com', 'ops@exampleXcom')).toBe(false);
    expect(matchesPattern('+1555*', '+15551234567')).toBe(true);
  });

  it('refuses channels and recipients with a sentence that names them', () => {
    const p = policySchema.parse({ channels: ['email', 'sms'], recipients: ['*@example.com'] });
    expect(refusal(() => assertAllowed(p, req('ops@example.com'), false))).toBeNull();
    expect(refusal(() => assertAllowed(p, req('x@evil.io'), false))).toBe('denied:recipient: x@evil.io is not on the recipient allowlist, so relaybot will not message it.');
    expect(refusal(() => assertAllowed(p, req('@bob', 'tg'), false))).toMatch(/^denied:channel: Telegram is turned off here/);
    const contactsOnly = policySchema.parse({ contactsOnly: true });
    expect(refusal(() => assertAllowed(contactsOnly, req('x@y.io'), false))).toMatch(/not in the contact book/);
    expect(refusal(() => assertAllowed(contactsOnly, req('x@y.io'), true))).toBeNull();
  });

  it('limits who may send', () => {
    const p = policySchema.parse({ senders: ['slack:U1', 'telegram:*'] });
    expect(refusal(() => assertMaySend(p, alice))).toBeNull();
    expect(refusal(() => assertMaySend(p, bob))).toMatch(/^denied:sender/);
    expect(refusal(() => assertMaySend(p, { platform: 'telegram', userId: '42' }))).toBeNull();
  });

  it('lets only the requester decide by default', () => {
    const p = policySchema.parse({});
    expect(deciderRefusal(p, alice, alice, 'confirm')).toBeNull();
    expect(deciderRefusal(p, alice, bob, 'confirm')).toBe('Only alice, who asked for this message, can confirm it.');
  });

  it('in four-eyes mode needs an approver other than the requester', () => {
    const p = policySchema.parse({ approval: { mode: 'four-eyes', approvers: ['slack:U2'] } });
    expect(deciderRefusal(p, alice, alice, 'confirm')).toMatch(/someone else must approve/);
    expect(deciderRefusal(p, alice, alice, 'cancel')).toBeNull();
    expect(deciderRefusal(p, alice, bob, 'confirm')).toBeNull();
    expect(deciderRefusal(p, alice, carol, 'confirm')).toMatch(/Only an approver/);
  });

  it('lets only listed approvers decide an agent\'s draft, never an agent, and always asks for the version', () => {
    const p = policySchema.parse({ approval: { mode: 'four-eyes', approvers: ['slack:U2'] }, agents: { approvers: ['slack:U1', 'web:alice'], notify: ['slack:C9', 'web'] } });
    const ci: Actor = { platform: 'agent', userId: 'ci' };
    const other: Actor = { platform: 'agent', userId: 'other' };
    expect(deciderRefusal(p, ci, alice, 'confirm')).toBeNull();
    expect(deciderRefusal(p, ci, { platform: 'web', userId: 'alice' }, 'cancel')).toBeNull();
    // Four-eyes approvers of people's drafts are not, by that, approvers of agents' requests.
    expect(deciderRefusal(p, ci, bob, 'confirm')).toMatch(/^Only an approver of agents' requests \(slack:U1, web:alice\)/);
    expect(deciderRefusal(p, ci, ci, 'confirm')).toBe('An agent cannot confirm a draft; a person approves every message.');
    expect(deciderRefusal(p, ci, ci, 'edit')).toBe('An agent cannot edit a draft; a person approves every message.');
    expect(deciderRefusal(p, ci, ci, 'cancel')).toBeNull();
    expect(deciderRefusal(p, ci, other, 'cancel')).toBe('An agent can cancel only its own requests.');
    // Nor can an agent decide a person's draft.
    expect(deciderRefusal(p, alice, ci, 'confirm')).toMatch(/^An agent cannot confirm/);
    expect(versionRequired(policySchema.parse({}), { requester: ci })).toBe(true);
    expect(versionRequired(policySchema.parse({}), { requester: alice })).toBe(false);
  });

  it('checks the agents section: approvers are platform:userId, destinations slack:, telegram: or web', () => {
    expect(policySchema.parse({}).agents).toEqual({ approvers: [], notify: ['web'] });
    expect(policySchema.safeParse({ agents: { approvers: ['alice'] } }).success).toBe(false);
    expect(policySchema.safeParse({ agents: { approvers: ['agent:ci'] } }).success).toBe(false);
    expect(policySchema.safeParse({ agents: { notify: ['email:ops'] } }).success).toBe(false);
    expect(policySchema.safeParse({ agents: { notify: ['telegram:-1001234'] } }).success).toBe(true);
  });

  it('keeps final drafts 90 days unless told otherwise, and takes only a whole number of days', () => {
    expect(policySchema.parse({}).retentionDays).toBe(90);
    expect(policySchema.parse({ retentionDays: 30 }).retentionDays).toBe(30);
    expect(policySchema.safeParse({ retentionDays: 0 }).success).toBe(false);
    expect(policySchema.safeParse({ retentionDays: 1.5 }).success).toBe(false);
  });

  it('says when to try again on a rate limit', () => {
    const p = policySchema.parse({ rateLimits: { perSenderPerHour: 2 } });
    expect(refusal(() => assertWithinRateLimits(p, { senderLastHour: 1, recipientLastDay: 0, globalLastMinute: 0 }))).toBeNull();
    expect(refusal(() => assertWithinRateLimits(p, { senderLastHour: 2, recipientLastDay: 0, globalLastMinute: 0 }))).toMatch(/limit 2\); try again within the hour/);
  });
});
