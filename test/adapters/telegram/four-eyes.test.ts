/**
 * Telegram in four-eyes mode: in a group, the person who asked cannot send
 * their own draft; an approver named in the policy can, and the card says who
 * approved it; anyone else is refused. Real grammY bot on the fake Bot API.
 */
import { describe, expect, it } from 'vitest';
import { useTelegramTestBed } from './test-bed.js';
import { GROUP_ID, groupCommand, newPerson, press, replyTo } from './updates.js';
import type { ShownMessage } from '../../fakes/telegram-api.js';

const boss = newPerson('Boss');
const bed = useTelegramTestBed({
  policy: { approval: { mode: 'four-eyes', approvers: [`telegram:${boss.id}`] } },
  members: [boss],
});
const { member, actorOf, handle, lastIn, toasts, current } = bed;
const STALE = 'The draft changed since you saw it — check the new version';
const dataOf = (card: ShownMessage) => card.buttons.flat().map((b) => b.callback_data);
/** The card as a client drew it before versions existed: callback data `c:<id>`, `e:<id>`, `x:<id>`. */
const withoutVersions = (card: ShownMessage): ShownMessage => ({
  ...card,
  buttons: card.buttons.map((row) => row.map((b) => ({ ...b, callback_data: b.callback_data?.replace(/:\d+$/, '') }))),
});

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

  it("refuses the approver's press on a card that was edited since (told in the toast, card redrawn), and relays only the version approved", async () => {
    const alice = member('Alice');
    await handle(groupCommand(alice, 'send', 'email ops@example.com subject Lunch: at noon'));
    // A copy: the fake's message is live, and this is the card as boss saw it before the edit.
    const v1 = structuredClone(lastIn(GROUP_ID));
    const [draft] = await bed.app.bot.history(actorOf(alice), 1);
    expect(dataOf(v1)).toEqual([`c:${draft!.id}:1`, `e:${draft!.id}:1`, `x:${draft!.id}:1`]);
    expect(v1.text).toContain('v1');

    // alice edits: Edit on the card, then a reply to the prompt.
    await handle(press(alice, v1, 'Edit'));
    await handle(replyTo(alice, lastIn(GROUP_ID), 'to: boss-account@example.net\nWire the money now'));
    expect(current(v1).text).toContain('Wire the money now');
    expect(current(v1).text).toContain('v2');
    expect(dataOf(current(v1))).toEqual([`c:${draft!.id}:2`, `e:${draft!.id}:2`, `x:${draft!.id}:2`]);
    const redraws = bed.tg.callsTo('editMessageText').length;

    // boss presses Send on the card as it was (old callback data, version 1).
    await handle(press(boss, v1, 'Send'));
    expect(toasts().at(-1)).toContain(STALE);
    // The card is drawn again (here it already shows version 2, so Telegram keeps it as it is).
    expect(bed.tg.callsTo('editMessageText').length).toBeGreaterThan(redraws);
    expect(dataOf(current(v1))).toEqual([`c:${draft!.id}:2`, `e:${draft!.id}:2`, `x:${draft!.id}:2`]);
    // A button drawn before versions existed cannot approve in four-eyes mode.
    await handle(press(boss, withoutVersions(v1), 'Send'));
    expect(toasts().at(-1)).toMatch(/^version:/);
    await bed.app.drain();
    expect(bed.relay.requests).toEqual([]);
    const refused = (await bed.app.stores.audit.list({ draftId: draft!.id })).find((e) => e.details.seenVersion !== undefined);
    expect(refused).toMatchObject({ action: 'decision.refused', actor: { userId: String(boss.id) }, details: { seenVersion: 1, currentVersion: 2 } });

    // On the card as it is now, boss approves version 2: exactly that is relayed, once.
    await handle(press(boss, current(v1), 'Send'));
    expect(toasts().at(-1)).toBe('Sending…');
    await bed.app.drain();
    expect(bed.relay.requests).toHaveLength(1);
    expect(bed.relay.requests[0]!.body).toMatchObject({ to: 'boss-account@example.net', text: 'Wire the money now', subject: 'Lunch' });
  });

  it('refuses a reply to an Edit prompt opened on a version that has changed since', async () => {
    const alice = member('Alice');
    await handle(groupCommand(alice, 'send', 'email ops@example.com subject Standup: at 10'));
    const card = lastIn(GROUP_ID);
    // Two prompts on version 1; the first reply makes version 2.
    await handle(press(alice, card, 'Edit'));
    const first = lastIn(GROUP_ID);
    await handle(press(alice, card, 'Edit'));
    const second = lastIn(GROUP_ID);
    await handle(replyTo(alice, first, 'at 11'));
    // The prompt that was answered follows its own edit: another reply to it edits again.
    await handle(replyTo(alice, first, 'at 11:30'));
    expect(current(card).text).toContain('at 11:30');
    await handle(replyTo(alice, second, 'cancelled'));
    expect(lastIn(GROUP_ID).text).toContain(STALE);
    const [draft] = await bed.app.bot.history(actorOf(alice), 1);
    expect(draft).toMatchObject({ version: 3, text: 'at 11:30', status: 'pending' });
  });
});
