/**
 * Text Postgres cannot hold (a null byte, a lone surrogate) arriving from
 * Telegram gets a sentence back naming the field, never a crash or a draft.
 */
import { describe, expect, it } from 'vitest';
import { useTelegramTestBed } from './test-bed.js';
import { press, privateText, replyTo } from './updates.js';

const bed = useTelegramTestBed();
const { member, actorOf, handle, lastIn, current, requestCard } = bed;

describe('Telegram: text the database cannot hold', () => {
  it('a request with a null byte or a lone surrogate is answered with the reason, and drafts nothing', async () => {
    const alice = member();
    await handle(privateText(alice, 'text +15551234567 Lunch\u0000 at noon'));
    expect(lastIn(alice.id).text).toMatch(/^text: contains a null byte/);
    await handle(privateText(alice, 'text +15551234567 Lunch \ud800 at noon'));
    expect(lastIn(alice.id).text).toMatch(/^text: contains a broken character/);
    expect(await bed.app.bot.history(actorOf(alice), 10)).toHaveLength(0);
    // And the conversation goes on.
    await handle(privateText(alice, 'text +15551234567 Lunch at noon'));
    expect(await bed.app.bot.history(actorOf(alice), 10)).toHaveLength(1);
  });

  it('an edit reply with a null byte is refused naming the field; the draft keeps its text', async () => {
    const alice = member();
    const card = await requestCard(alice);
    await handle(press(alice, card, 'Edit'));
    await handle(replyTo(alice, lastIn(alice.id), 'to: ops\u0000@example.com'));
    expect(lastIn(alice.id).text).toMatch(/^to: contains a null byte/);
    await handle(press(alice, current(card), 'Edit'));
    await handle(replyTo(alice, lastIn(alice.id), 'Deploy\u0000 done'));
    expect(lastIn(alice.id).text).toMatch(/^text: contains a null byte/);
    const [draft] = await bed.app.bot.history(actorOf(alice), 1);
    expect(draft).toMatchObject({ to: 'ops@example.com', status: 'pending' });
  });

  it('/contacts remove with a null byte in the name finds nothing, without an error', async () => {
    const alice = member();
    await handle(privateText(alice, '/contacts remove Ops\u0000Team'));
    expect(lastIn(alice.id).text).toMatch(/^There is no contact called Ops/);
  });
});
