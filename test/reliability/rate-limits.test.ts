/**
 * Rate limits are counted in the database, so they hold across replicas: the
 * same person (or recipient, or everyone) confirming on two replicas at once
 * never gets past the policy's limit, and the one refused is told when to try again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Draft } from '../../src/core/draft.js';
import { AppError } from '../../src/core/errors.js';
import type { Actor, ConversationRef } from '../../src/core/send-request.js';
import { testDatabaseTargets } from '../fakes/database.js';
import { startReplicas, type Replicas } from './replicas.js';

const conversation: ConversationRef = { platform: 'web', chatId: 'rate-limits' };
let n = 0;
const person = (): Actor => ({ platform: 'web', userId: `rl-${++n}`, name: `Person ${n}` });
/** A recipient nobody else in this file messages. */
const phone = () => `+1555${String(1_000_000 + ++n).slice(-7)}`;

describe.each(testDatabaseTargets())('rate limits across two replicas on $name', (target) => {
  let replicas: Replicas;

  beforeAll(async () => {
    replicas = await startReplicas(target, {
      policy: { rateLimits: { perSenderPerHour: 3, perRecipientPerDay: 2, globalPerMinute: 12 } },
    });
  });
  afterAll(() => replicas?.close());

  async function draft(actor: Actor, to = phone()): Promise<Draft> {
    const reply = await replicas.a.bot.handleMessage({ actor, conversation, text: `text ${to} Deploy done.` });
    if (!reply.draft) throw new Error(reply.text);
    return reply.draft;
  }

  /** Confirm every draft at once, alternating replicas; returns the outcomes. */
  async function confirmAll(drafts: Draft[]) {
    const results = await Promise.allSettled(
      drafts.map((d, i) => (i % 2 === 0 ? replicas.a : replicas.b).bot.confirm(d.id, d.requester)),
    );
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as AppError] : []));
    return { confirmed: results.length - refused.length, refused };
  }

  it('lets one person confirm only their hourly limit, even clicking on both replicas at once', async () => {
    const alice = person();
    const drafts = [];
    for (let i = 0; i < 5; i++) drafts.push(await draft(alice));

    const { confirmed, refused } = await confirmAll(drafts);

    expect(confirmed).toBe(3);
    expect(refused).toHaveLength(2);
    for (const error of refused) {
      expect(error).toMatchObject({ code: 'denied:rate_limit' });
      expect(error.message).toMatch(/limit 3\).*try again/);
      expect(error.retryAfterMs).toBeGreaterThan(0);
    }
    // Each refusal is on the record, and the refused drafts are still pending (nothing was sent).
    const audits = await Promise.all(drafts.map((d) => replicas.b.stores.audit.list({ draftId: d.id })));
    const refusals = audits.flat().filter((e) => e.action === 'decision.refused');
    expect(refusals).toHaveLength(2);
    expect(refusals[0]!.details).toMatchObject({ attempted: 'confirm' });
    const statuses = await Promise.all(drafts.map(async (d) => (await replicas.b.bot.getDraft(d.id))!.status));
    expect(statuses.filter((s) => s === 'pending')).toHaveLength(2);
  });

  it('caps messages to one recipient per day across senders and replicas', async () => {
    const to = phone();
    const drafts = [];
    for (let i = 0; i < 4; i++) drafts.push(await draft(person(), to));

    const { confirmed, refused } = await confirmAll(drafts);

    expect(confirmed).toBe(2);
    expect(refused.map((e) => e.message)).toEqual([
      expect.stringMatching(/This recipient has had 2 messages .*limit 2\).*try again/),
      expect.stringMatching(/This recipient has had 2 messages .*limit 2\).*try again/),
    ]);
  });

  it('holds a sender and a recipient limit together when their confirms race on both replicas (keys locked per sender and recipient)', async () => {
    const alice = person();
    const shared = phone();
    const drafts = [];
    // Three to a recipient who may get two, two to one who may get both: alice's hourly 3 still caps the total.
    for (let i = 0; i < 3; i++) drafts.push(await draft(alice, shared));
    const other = phone();
    for (let i = 0; i < 2; i++) drafts.push(await draft(alice, other));

    const { confirmed, refused } = await confirmAll(drafts);

    expect(confirmed).toBe(3);
    expect(refused).toHaveLength(2);
    const statuses = await Promise.all(drafts.map(async (d) => (await replicas.b.bot.getDraft(d.id))!));
    expect(statuses.filter((d) => d.to === shared && d.status !== 'pending').length).toBeLessThanOrEqual(2);
    expect(refused.every((e) => e.code === 'denied:rate_limit')).toBe(true);
  });

  it('holds the global per-minute limit when many people confirm on both replicas at once', async () => {
    const drafts = [];
    for (let i = 0; i < 12; i++) drafts.push(await draft(person()));
    // Earlier tests in this file confirmed a few within this minute; they count too.
    const { globalLastMinute: already } = await replicas.a.stores.drafts.rateCounts(person(), 'sms', phone(), new Date());
    expect(already).toBeGreaterThan(0);

    const { confirmed, refused } = await confirmAll(drafts);

    expect(confirmed).toBe(12 - already);
    expect(refused).toHaveLength(already);
    expect(refused[0]!.message).toMatch(/limit of 12 messages a minute; try again/);
  });
});
