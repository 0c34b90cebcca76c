/**
 * Telegram in four-eyes mode: in a group, the person who asked cannot send
 * their own draft; an approver named in the policy can, and the card says who
 * approved it; anyone else is refused. Real grammY bot on the fake Bot API.
 */
import { describe, expect, it } from 'vitest';
import { useTelegramTestBed } from './test-bed.js';
import { GROUP_ID, groupCommand, newPerson, press } from './updates.js';

const boss = newPerson('Boss');
const bed = useTelegramTestBed({
  policy: { approval: { mode: 'four-eyes', approvers: [`telegram:${boss.id}`] } },
  members: [boss],
});
const { member, actorOf, handle, lastIn, toasts, current } = bed;

describe('Telegram in four-eyes mode', () => {
  it('refuses the requester and a non-approver, relays once on the approver\'s Send, and the card shows Sent', async () => {
    const alice = member('Alice');
    const carol = member('Carol');
    await handle(groupCommand(alice, 'send', 'email ops@example.com subject Deploy: v2 is live'));
    const card = lastIn(GROUP_ID);
    expect(card.buttons.flat().map((b) => b.text), card.text).toEqual(['Send', 'Edit', 'Cancel']);

    await handle(press(alice, card, 'Send'));
    expect(toasts().at(-1)).toBe('You asked for this message, so someone else must approve it (four-eyes mode).');
    await handle(press(carol, card, 'Send'));
    expect(toasts().at(-1)).toBe(`Only an approver (telegram:${boss.id}) can confirm this draft.`);
    await bed.app.drain();
    expect(bed.relay.requests).toHaveLength(0);
    expect(current(card).buttons.flat().map((b) => b.text)).toEqual(['Send', 'Edit', 'Cancel']);
    const [pending] = await bed.app.bot.history(actorOf(alice), 1);
    expect(pending!.status).toBe('pending');

    // The approver double-taps: one press goes ahead, the other is told why not.
    const before = toasts().length;
    await Promise.all([handle(press(boss, card, 'Send')), handle(press(boss, card, 'Send'))]);
    const answers = toasts().slice(before);
    expect(answers).toHaveLength(2);
    expect(answers).toContain('Sending…');
    expect(answers.find((t) => t !== 'Sending…')).toMatch(/already approved/);
    await bed.app.drain();
    expect(bed.relay.requests).toHaveLength(1);
    expect(bed.relay.delivered).toHaveLength(1);
    expect(current(card).text).toContain('✅ Sent to ops@example.com by Email');
    expect(current(card).text).toContain(`Approved by @${boss.username}`);
    expect(current(card).buttons).toEqual([]);

    const [sent] = await bed.app.bot.history(actorOf(alice), 1);
    expect(sent).toMatchObject({ status: 'sent', decidedBy: { platform: 'telegram', userId: String(boss.id) } });
    const refusals = (await bed.app.stores.audit.list({ draftId: sent!.id })).filter((e) => e.action === 'decision.refused');
    expect(refusals.map((e) => e.actor?.userId).sort()).toEqual([String(alice.id), String(carol.id)].sort());
  });
});
