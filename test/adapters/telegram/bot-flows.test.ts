/**
 * The Telegram front-end end to end: a real grammY bot (our adapter) against the
 * fake Bot API, on a whole relaybot (in-memory PGlite, offline parser) that
 * delivers to the fake relay. Updates are captured shapes from test/fixtures.
 */
import { describe, expect, it } from 'vitest';
import { REQUEST, useTelegramTestBed } from './test-bed.js';
import { GROUP_ID, groupCommand, groupMention, groupText, newPerson, press, privateText, replyTo } from './updates.js';

const bed = useTelegramTestBed();
const { member, actorOf, handle, lastIn, toasts, current, requestCard } = bed;

describe('private chat', () => {
  it('answers a request from an allowed user with a draft card: fields, Send / Edit / Cancel, and its place stored', async () => {
    const alice = member();
    const card = await requestCard(alice);
    expect(card.text).toContain('Draft Email to ops@example.com');
    expect(card.text).toContain('Subject: Deploy');
    expect(card.text).toContain('v2 is live');
    const [draft] = await bed.app.bot.history(actorOf(alice), 5);
    expect(draft).toMatchObject({ status: 'pending', to: 'ops@example.com', cardRef: `${alice.id}:${card.messageId}` });
    expect(bed.relay.requests).toHaveLength(0);
    // The person saw "typing…" while the request was understood.
    expect(bed.tg.callsTo('sendChatAction').map((c) => c.payload)).toContainEqual(expect.objectContaining({ action: 'typing' }));
  });

  it('previews what the recipient gets on the card: the saved contact beside the number, SMS segments and encoding', async () => {
    const alice = member();
    await handle(privateText(alice, 'save Dave as +15551112222'));
    const card = await requestCard(alice, 'text dave running late 🙂');
    expect(card.text).toContain('To: Dave · +1 555 111 2222');
    expect(card.text).toContain('1 SMS segment · UCS-2 · 14 characters');
    // This relay is a real one (the fake relay server): no dry-run mark.
    expect(card.text).not.toContain('Dry run');
  });

  it('keeps the preview when the card is redrawn after an edit (one card-sync path for every redraw)', async () => {
    const alice = member();
    await handle(privateText(alice, 'save Dave as +15551112222'));
    const card = await requestCard(alice, 'text dave running late 🙂');
    await handle(press(alice, card, 'Edit'));
    await handle(replyTo(alice, lastIn(alice.id), 'on my way'));
    expect(current(card).text).toContain('on my way');
    expect(current(card).text).toContain('To: Dave · +1 555 111 2222');
    expect(current(card).text).toContain('1 SMS segment · GSM-7 · 9 characters');
  });

  it('relays exactly once when Send is pressed twice at the same moment, and the card ends on Sent', async () => {
    const alice = member();
    const card = await requestCard(alice);
    await Promise.all([handle(press(alice, card, 'Send')), handle(press(alice, card, 'Send'))]);
    // Every press is answered: one goes ahead, the other is told why not.
    expect(toasts()).toHaveLength(2);
    expect(toasts()).toContain('Sending…');
    expect(toasts().find((t) => t !== 'Sending…')).toMatch(/already approved/);
    await bed.app.drain();
    expect(bed.relay.requests).toHaveLength(1);
    expect(bed.relay.delivered).toHaveLength(1);
    expect(current(card).text).toContain('✅ Sent to ops@example.com by Email');
    expect(current(card).buttons).toEqual([]);
  });

  it('shows the failure reason on the card when the relay refuses the message', async () => {
    bed.relay.script({ status: 400, body: { error: 'Unknown mailbox' } });
    const alice = member();
    const card = await requestCard(alice);
    await handle(press(alice, card, 'Send'));
    await bed.app.drain();
    expect(current(card).text).toMatch(/❌ Failed: .+/);
    expect(current(card).buttons).toEqual([]);
  });

  it('Cancel edits the card in place and nothing is sent', async () => {
    const alice = member();
    const card = await requestCard(alice);
    await handle(press(alice, card, 'Cancel'));
    await bed.app.drain();
    expect(current(card).text).toContain('Cancelled — nothing was sent');
    expect(current(card).buttons).toEqual([]);
    expect(bed.relay.requests).toHaveLength(0);
  });

  it('Edit asks for the change with a reply prompt; the reply updates the draft and its card', async () => {
    const alice = member();
    const card = await requestCard(alice);
    await handle(press(alice, card, 'Edit'));
    const prompt = lastIn(alice.id);
    expect(prompt.replyMarkup).toMatchObject({ force_reply: true });
    expect(prompt.text).toContain('Reply to this message with the new text');
    expect(prompt.replyToMessageId).toBe(card.messageId);

    await handle(replyTo(alice, prompt, 'v2.1 is live <for real>'));
    expect(current(card).text).toContain('v2.1 is live <for real>');
    expect(current(card).buttons.flat().map((b) => b.text)).toEqual(['Send', 'Edit', 'Cancel']);
    expect(lastIn(alice.id).text).toContain('Draft updated');

    await handle(press(alice, current(card), 'Edit'));
    await handle(replyTo(alice, lastIn(alice.id), 'to: dev@example.com\nsubject: Deploy done'));
    expect(current(card).text).toContain('To: dev@example.com');
    expect(current(card).text).toContain('Subject: Deploy done');
    const [draft] = await bed.app.bot.history(actorOf(alice), 1);
    expect(draft).toMatchObject({ to: 'dev@example.com', subject: 'Deploy done', text: 'v2.1 is live <for real>', status: 'pending' });
  });

  it('shows text with <b>, _ and * literally, in the card and in plain answers', async () => {
    const alice = member();
    const card = await requestCard(alice, 'email ops@example.com subject <b>Deploy</b>: *v2* is _live_ & <i>well</i>');
    expect(card.text).toContain('Subject: <b>Deploy</b>');
    expect(card.text).toContain('*v2* is _live_ & <i>well</i>');
    expect(card.html).not.toContain('<b>Deploy</b>');
  });

  it('makes one draft from a redelivered update (same update_id), even when both copies arrive at once', async () => {
    const alice = member();
    const update = privateText(alice, REQUEST);
    await Promise.all([handle(update), handle(structuredClone(update))]);
    await handle(structuredClone(update));
    expect(bed.tg.callsTo('sendMessage')).toHaveLength(1);
    expect(await bed.app.bot.history(actorOf(alice), 5)).toHaveLength(1);
  });

  it('still acts on a button drawn before versions existed (callback data without a version: the current one)', async () => {
    const alice = member();
    const card = await requestCard(alice);
    const old = { ...card, buttons: card.buttons.map((row) => row.map((b) => ({ ...b, callback_data: b.callback_data?.replace(/:\d+$/, '') }))) };
    expect(old.buttons.flat()[0]!.callback_data).toMatch(/^c:[\w-]+$/);
    await handle(press(alice, old, 'Send'));
    expect(toasts()).toEqual(['Sending…']);
    await bed.app.drain();
    expect(bed.relay.requests).toHaveLength(1);
  });

  it('refuses an expired card with a toast and takes its buttons away', async () => {
    const alice = member();
    const card = await requestCard(alice);
    bed.advanceClock(16 * 60_000);
    await handle(press(alice, card, 'Send'));
    expect(toasts()[0]).toMatch(/expired/);
    expect(current(card).text).toContain('Expired — nothing was sent');
    expect(current(card).buttons).toEqual([]);
    await bed.app.drain();
    expect(bed.relay.requests).toHaveLength(0);
  });

  it('takes the buttons away when the expiry sweeper expires the draft (no press needed)', async () => {
    const alice = member();
    const card = await requestCard(alice);
    bed.advanceClock(16 * 60_000);
    await bed.app.sweeper.sweep();
    expect(current(card).text).toContain('Expired — nothing was sent');
    expect(current(card).buttons).toEqual([]);
  });

  it('waits out a 429 from Telegram and still posts the card', async () => {
    bed.tg.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 0', parameters: { retry_after: 0 } });
    const alice = member();
    await requestCard(alice);
    expect(bed.tg.callsTo('sendMessage')).toHaveLength(2);
  });
});

describe('group chat', () => {
  it('answers /send; a stranger\'s press sends nothing and gets a toast; chatter is ignored', async () => {
    const alice = member('Alice');
    const bob = member('Bob');
    const outsider = newPerson('Mallory');
    await handle(groupText(alice, 'anyone up for lunch?'));
    expect(bed.tg.messagesIn(GROUP_ID)).toHaveLength(0);

    const command = groupCommand(alice, 'send', 'email ops@example.com subject Deploy: v2 is live');
    await handle(command);
    const card = lastIn(GROUP_ID);
    expect(card.text).toContain('Draft Email to ops@example.com');
    expect(card.replyToMessageId).toBe(command.message!.message_id);

    await handle(press(bob, card, 'Send'));
    expect(toasts().at(-1)).toBe(`Only @${alice.username}, who asked for this message, can confirm it.`);
    await handle(press(bob, card, 'Edit'));
    expect(toasts().at(-1)).toMatch(/^Only @alice_\d+, who asked for this message, can edit it\.$/);
    await handle(press(outsider, card, 'Send'));
    expect(toasts().at(-1)).toBe(
      `This bot is private. Ask its admin to add your Telegram user id (${outsider.id}) to TELEGRAM_ALLOWED_USERS.`,
    );
    await bed.app.drain();
    expect(bed.relay.requests).toHaveLength(0);
    expect(current(card).buttons.flat()).toHaveLength(3);
    const [draft] = await bed.app.bot.history(actorOf(alice), 1);
    expect(draft!.status).toBe('pending');
  });

  it('lets only the requester edit by replying to the prompt, which names them', async () => {
    const alice = member('Alice');
    const bob = member('Bob');
    await handle(groupCommand(alice, 'send', 'email ops@example.com subject Deploy: v2 is live'));
    const card = lastIn(GROUP_ID);
    await handle(press(alice, card, 'Edit'));
    const prompt = lastIn(GROUP_ID);
    expect(prompt.html).toContain(`<a href="tg://user?id=${alice.id}">@${alice.username}</a>`);
    expect(prompt.replyMarkup).toMatchObject({ force_reply: true, selective: true });

    await handle(replyTo(bob, prompt, 'hijacked'));
    expect(lastIn(GROUP_ID).text).toBe(`Only @${alice.username}, who asked for this message, can edit it.`);
    expect(current(card).text).not.toContain('hijacked');
    await handle(replyTo(alice, prompt, 'v2 is live everywhere'));
    expect(current(card).text).toContain('v2 is live everywhere');
  });

  it('takes a reply to its question as the answer, but ignores replies to a card', async () => {
    const alice = member();
    await handle(groupCommand(alice, 'send', 'email ops@example.com'));
    const question = lastIn(GROUP_ID);
    expect(question.buttons).toEqual([]);
    await handle(replyTo(alice, question, 'subject Deploy: v2 is live'));
    const card = lastIn(GROUP_ID);
    expect(card.buttons.flat().map((b) => b.text), card.text).toEqual(['Send', 'Edit', 'Cancel']);
    const before = bed.tg.messagesIn(GROUP_ID).length;
    await handle(replyTo(alice, card, 'nice'));
    expect(bed.tg.messagesIn(GROUP_ID)).toHaveLength(before);
  });

  it('answers a mention of the bot like /send', async () => {
    const alice = member();
    await handle(groupMention(alice, 'email ops@example.com subject Deploy: v2 is live'));
    expect(lastIn(GROUP_ID).buttons.flat().map((b) => b.text)).toEqual(['Send', 'Edit', 'Cancel']);
  });

  it('ignores commands meant for another bot', async () => {
    const alice = member();
    await handle(groupCommand(alice, 'send', 'email ops@example.com subject Deploy: v2 is live', 'some_other_bot'));
    expect(bed.tg.messagesIn(GROUP_ID)).toHaveLength(0);
  });
});

describe('who may use the bot', () => {
  it('gives someone outside TELEGRAM_ALLOWED_USERS one polite sentence and never a draft', async () => {
    const outsider = newPerson('Mallory');
    await handle(privateText(outsider, REQUEST));
    expect(bed.tg.messagesIn(outsider.id).map((m) => m.text)).toEqual([
      `This bot is private. Ask its admin to add your Telegram user id (${outsider.id}) to TELEGRAM_ALLOWED_USERS.`,
    ]);
    await handle(groupText(outsider, 'just chatting'));
    expect(bed.tg.messagesIn(GROUP_ID)).toHaveLength(0);
    expect(await bed.app.bot.history(actorOf(outsider), 5)).toEqual([]);
  });
});

describe('commands', () => {
  it('/start and /help explain the bot; unknown commands point to /help', async () => {
    const alice = member();
    await handle(privateText(alice, '/start'));
    expect(lastIn(alice.id).text).toContain('Nothing goes out until you press Send');
    await handle(privateText(alice, '/frobnicate'));
    expect(lastIn(alice.id).text).toContain('/help');
    expect(await bed.app.bot.history(actorOf(alice), 5)).toEqual([]);
  });

  it('/history lists my drafts with what became of them', async () => {
    const alice = member();
    const card = await requestCard(alice);
    await handle(press(alice, card, 'Cancel'));
    await requestCard(alice, 'email dev@example.com subject Hi: <hello>');
    await handle(privateText(alice, '/history'));
    const text = lastIn(alice.id).text;
    expect(text).toMatch(/pending · Email to dev@example\.com · “<hello>”/);
    expect(text).toMatch(/cancelled · Email to ops@example\.com/);
  });

  it('/contacts adds to and lists this chat\'s contact book', async () => {
    const alice = member();
    await handle(privateText(alice, '/contacts add Ops Team email OPS@example.com'));
    expect(lastIn(alice.id).text).toBe('Saved Ops Team: Email ops@example.com.');
    await handle(privateText(alice, '/contacts add Pager sms not-a-number'));
    expect(lastIn(alice.id).text).toContain('not a valid phone number');
    await handle(privateText(alice, '/contacts'));
    expect(lastIn(alice.id).text).toBe('Contacts here:\n• Ops Team — Email ops@example.com');

    await handle(privateText(alice, '/contacts add *boss* sms +15550001111'));
    expect(lastIn(alice.id).text).toBe('A contact name is 1–40 letters, digits, spaces, dots, dashes or apostrophes.');
    await handle(privateText(alice, '/contacts remove ops team'));
    expect(lastIn(alice.id).text).toBe('Removed ops team.');
    const audited = await bed.app.stores.audit.list({ actor: `telegram:${alice.id}` });
    expect(audited.map((e) => e.action)).toEqual(['contact.removed', 'contact.saved']);
    expect(audited[1]?.details).toMatchObject({ scope: `telegram:${alice.id}`, name: 'Ops Team', channel: 'email', address: 'ops@example.com' });
  });

  it('/cancel drops a half-finished request', async () => {
    const alice = member();
    await handle(privateText(alice, 'email ops@example.com'));
    expect(lastIn(alice.id).buttons).toEqual([]);
    await handle(privateText(alice, '/cancel'));
    expect(lastIn(alice.id).text).toContain('dropped the request');
    await handle(privateText(alice, '/cancel'));
    expect(lastIn(alice.id).text).toBe('There was no request in progress to drop.');
  });

  it('sets the command menu at start', async () => {
    await bed.adapter.start();
    const [call] = bed.tg.callsTo('setMyCommands');
    expect(call!.payload.commands.map((c: { command: string }) => c.command)).toEqual(['send', 'history', 'contacts', 'cancel', 'help']);
    await bed.adapter.stop();
  });
});
