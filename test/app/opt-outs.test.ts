/** The opt-out use cases every front-end shares: normalising, permissions, the chat command's answers, the audit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeOptOutAddress, OptOuts } from '../../src/app/opt-outs.js';
import { policySchema } from '../../src/core/policy.js';
import { createTestApp, type TestApp } from '../fakes/harness.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ policy: { approval: { mode: 'four-eyes', approvers: ['slack:UBOSS', 'telegram:42'] } } });
});
afterAll(() => app?.close());

describe('opt-out addresses are normalised like recipients', () => {
  it('phones to E.164, emails to lower case, handles and ids as they are; anything else refused naming the field', () => {
    expect(normalizeOptOutAddress('(555) 123-4567', 'US')).toBe('+15551234567');
    expect(normalizeOptOutAddress('0044 20 7946 0958', 'US')).toBe('+442079460958');
    expect(normalizeOptOutAddress('Ops@Example.COM', 'US')).toBe('ops@example.com');
    expect(normalizeOptOutAddress('@alice_ops', 'US')).toBe('@alice_ops');
    expect(normalizeOptOutAddress('123456789', 'US')).toBe('123456789');
    expect(normalizeOptOutAddress('5551234567', 'US')).toBe('+15551234567');
    expect(normalizeOptOutAddress('tg:5551234567', 'US')).toBe('5551234567');
    expect(() => normalizeOptOutAddress('hello there', 'US')).toThrow(/^address: "hello there" is not a phone number/);
    expect(() => normalizeOptOutAddress('+1 555', 'US')).toThrow(/not a valid phone number/);
  });
});

describe('the /optout chat command', () => {
  const boss = { platform: 'slack' as const, userId: 'UBOSS' };
  const tg = { platform: 'telegram' as const, userId: '42' };
  const stranger = { platform: 'slack' as const, userId: 'UNOBODY' };

  it('adds, lists, removes — approvers only — and audits each change once', async () => {
    const optOuts = app.bot.optOuts;
    expect(await optOuts.command(boss, 'add +1 555 010 0001')).toBe('+15550100001 is opted out: relaybot will not message it, and scheduled sends to it will fail.');
    expect(await optOuts.command(tg, 'add (555) 010-0001')).toBe('+15550100001 was already opted out.');
    expect(await optOuts.command(tg, 'list')).toBe('Opted out (1):\n+15550100001');
    expect(await optOuts.command(stranger, 'remove +15550100001')).toBe('Only an approver (slack:UBOSS, telegram:42) can change the opt-out list.');
    expect(await optOuts.command(tg, 'remove +15550100001')).toBe('+15550100001 may be messaged again.');
    expect(await optOuts.command(tg, 'remove +15550100001')).toBe('+15550100001 was not on the opt-out list.');
    expect(await optOuts.command(tg, 'frobnicate')).toBe('Usage: optout add ADDRESS · optout remove ADDRESS · optout list');
    expect(await optOuts.command(tg, 'add')).toMatch(/^address: give the phone number/);

    const entries = await app.stores.audit.list({ limit: 50 });
    const changes = entries.filter((e) => e.action.startsWith('optout.')).reverse();
    expect(changes.map((e) => [e.action, `${e.actor?.platform}:${e.actor?.userId}`, e.details.address])).toEqual([
      ['optout.added', 'slack:UBOSS', '+15550100001'],
      ['optout.removed', 'telegram:42', '+15550100001'],
    ]);
  });

  it('with no approvers listed (requester mode), anyone who may use relaybot manages it', async () => {
    const open = new OptOuts({ optOuts: app.stores.optOuts, audit: app.stores.audit, policy: policySchema.parse({}), defaultRegion: 'US', now: () => new Date() });
    expect(await open.command(stranger, 'list')).toBe('Nobody is opted out.');
  });
});
