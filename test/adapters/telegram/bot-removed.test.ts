/**
 * When the bot is blocked in a private chat or removed from a group, its cards
 * there can no longer be seen or pressed: the drafts still pending in that
 * chat are withdrawn and audited, and nothing else is touched.
 */
import { describe, expect, it } from 'vitest';
import { useTelegramTestBed } from './test-bed.js';
import { botMembership, GROUP_ID, groupCommand } from './updates.js';

const bed = useTelegramTestBed();

const withdrawal = async (draftId: string) =>
  (await bed.app.stores.audit.list({ draftId })).find((e) => e.action === 'draft.cancelled');

describe('Telegram: the bot removed from a chat (my_chat_member)', () => {
  it('blocked in a private chat: that chat\'s pending draft is cancelled by relaybot (reason bot_removed); other chats keep theirs', async () => {
    const alice = bed.member('Alice');
    const bob = bed.member('Bob');
    await bed.requestCard(alice);
    await bed.requestCard(bob);
    const [aliceDraft] = await bed.app.bot.history(bed.actorOf(alice), 1);
    const [bobDraft] = await bed.app.bot.history(bed.actorOf(bob), 1);
    bed.tg.reset();

    await bed.handle(botMembership(alice, alice.id, 'kicked'));

    expect(await bed.app.bot.getDraft(aliceDraft!.id)).toMatchObject({ status: 'cancelled', decidedBy: null });
    expect(await withdrawal(aliceDraft!.id)).toMatchObject({ actor: null, details: { reason: 'bot_removed', detail: `telegram: kicked by ${alice.id}` } });
    expect((await bed.app.bot.getDraft(bobDraft!.id))!.status).toBe('pending');
    // Nothing is sent to a chat that blocked the bot.
    expect(bed.tg.calls.filter((c) => c.method !== 'getMe')).toEqual([]);
  });

  it('removed from a group: every pending draft asked for there is withdrawn, whoever asked; a re-add withdraws nothing', async () => {
    const carol = bed.member('Carol');
    const dave = bed.member('Dave');
    await bed.handle(groupCommand(carol, 'send', 'sms +15551234567 Build finished'));
    await bed.handle(groupCommand(dave, 'send', 'sms +15551234567 Deploy started'));
    const drafts = [(await bed.app.bot.history(bed.actorOf(carol), 1))[0]!, (await bed.app.bot.history(bed.actorOf(dave), 1))[0]!];
    expect(drafts.map((d) => [d.status, d.conversation.chatId])).toEqual([['pending', String(GROUP_ID)], ['pending', String(GROUP_ID)]]);

    await bed.handle(botMembership(carol, GROUP_ID, 'member'));
    for (const d of drafts) expect((await bed.app.bot.getDraft(d.id))!.status).toBe('pending');

    await bed.handle(botMembership(carol, GROUP_ID, 'left'));
    for (const d of drafts) {
      expect((await bed.app.bot.getDraft(d.id))!.status).toBe('cancelled');
      expect(await withdrawal(d.id)).toMatchObject({ actor: null, details: { reason: 'bot_removed', detail: `telegram: left by ${carol.id}` } });
    }
    // Its pending drafts are gone; sending is impossible now.
    await bed.app.drain();
    expect(bed.relay.requests).toEqual([]);
  });
});
