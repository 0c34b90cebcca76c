import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSlackAdapter } from '../../../src/adapters/slack/index.js';
import { silentLogger } from '../../fakes/harness.js';
import { seeCard, waitForCall } from './card-reading.js';
import { buttonClick, editSubmission, eventCallback, postSlack, slashCommand } from './slack-requests.js';
import { startSlackTestBed, type SlackTestBed } from './slack-test-bed.js';

let bed: SlackTestBed;
beforeAll(async () => {
  bed = await startSlackTestBed();
});
afterAll(async () => {
  await bed?.close();
});

let n = 0;
/** A fresh requester per test (the database is shared within the file). */
const person = () => {
  n += 1;
  return { user: `U0REQ${String(n).padStart(4, '0')}`, userName: `req${n}` };
};
const actor = (p: { user: string; userName: string }) => ({ platform: 'slack' as const, userId: p.user, name: p.userName });

/** `/send …` by `who`; waits for the card on the command's response_url and returns it with the draft. */
async function draftBySlash(who: { user: string; userName: string }, text = 'text +15551234567 Build finished successfully.') {
  const responseUrl = bed.slack.responseUrl(`cmd-${who.user}-${Math.random().toString(36).slice(2)}`);
  const answer = await postSlack(bed.baseUrl, slashCommand({ text, responseUrl, ...who }));
  expect(answer.status).toBe(200);
  const card = await waitForCall(() => bed.slack.responsesTo(responseUrl).find((c) => c.body.blocks));
  const [draft] = await bed.app.bot.history(actor(who), 1);
  return { answer, card, draft: draft!, responseUrl };
}

describe('Slack: /send', () => {
  it('acks at once with "Drafting…" while the model is still thinking, then shows the card with Send, Edit, Cancel', async () => {
    const alice = person();
    const responseUrl = bed.slack.responseUrl(`slow-${alice.user}`);
    bed.interpreter.hold();
    try {
      const answer = await postSlack(bed.baseUrl, slashCommand({ text: 'text +15551234567 Build finished successfully.', responseUrl, ...alice }));
      await bed.interpreter.waiting();
      // The HTTP answer came back while the interpreter is still held: the ack never waits for the model.
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ response_type: 'ephemeral', text: 'Drafting…' });
      expect(bed.slack.responsesTo(responseUrl)).toHaveLength(0);
    } finally {
      bed.interpreter.release();
    }
    const posted = await waitForCall(() => bed.slack.responsesTo(responseUrl)[0]);
    expect(posted.body).toMatchObject({ response_type: 'ephemeral', replace_original: true });
    const card = seeCard(posted.body);
    const [draft] = await bed.app.bot.history(actor(alice), 1);
    expect(card.buttons).toEqual([
      { label: 'Send', actionId: 'draft_confirm', value: `${draft!.id}:1`, style: 'primary' },
      { label: 'Edit', actionId: 'draft_edit', value: `${draft!.id}:1` },
      { label: 'Cancel', actionId: 'draft_cancel', value: `${draft!.id}:1`, style: 'danger' },
    ]);
    expect(card.text).toContain('Draft SMS to +1 555 123 4567');
    expect(card.text).toContain('Build finished successfully.');
    expect(card.text).toContain(`Requested by ${alice.userName}`);
    expect(card.text).toMatch(/expires \d\d:\d\d UTC · v1/);
    expect(bed.relay.requests).toHaveLength(0);
  });

  it('reads a time in the person\'s own Slack zone (users.info tz) and shows the card in it', async () => {
    const zoe = person();
    bed.slack.userZones.set(zoe.user, 'America/New_York');
    const { draft, card } = await draftBySlash(zoe, 'text +15551234567 tomorrow at 9am that standup moved');
    expect(draft.text).toBe('standup moved');
    expect(draft.timeZone).toBe('America/New_York');
    const wall = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', minute: '2-digit', hour12: false }).format(draft.sendAt!);
    expect(wall).toBe('09:00');
    expect(JSON.stringify(card.body.blocks)).toContain('America/New_York');
  });

  it('answers a stranger\'s Send click privately with who can decide, audits it, and sends nothing', async () => {
    const alice = person();
    const { draft } = await draftBySlash(alice);
    const strangerUrl = bed.slack.responseUrl(`stranger-${draft.id}`);
    const click = await postSlack(bed.baseUrl, buttonClick({ actionId: 'draft_confirm', draftId: draft.id, responseUrl: strangerUrl, user: 'U0MALLORY', userName: 'mallory', ephemeral: false }));
    expect(click.status).toBe(200);

    const told = await waitForCall(() => bed.slack.responsesTo(strangerUrl)[0]);
    expect(told.body).toEqual({ response_type: 'ephemeral', replace_original: false, text: `Only ${alice.userName}, who asked for this message, can confirm it.` });
    await bed.app.drain();
    expect(bed.relay.requests.filter((r) => r.body?.idempotency_key === draft.idempotencyKey)).toHaveLength(0);
    expect((await bed.app.bot.getDraft(draft.id))!.status).toBe('pending');
    const refused = (await bed.app.stores.audit.list({ draftId: draft.id })).find((e) => e.action === 'decision.refused');
    expect(refused?.actor).toMatchObject({ platform: 'slack', userId: 'U0MALLORY' });
  });

  it('relays exactly once when the requester double-clicks Send, and the card ends up saying Sent', async () => {
    const alice = person();
    const { draft } = await draftBySlash(alice);
    const urls = [bed.slack.responseUrl(`click1-${draft.id}`), bed.slack.responseUrl(`click2-${draft.id}`)];
    const answers = await Promise.all(
      urls.map((responseUrl) => postSlack(bed.baseUrl, buttonClick({ actionId: 'draft_confirm', draftId: draft.id, responseUrl, ...alice }))),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    // The loser of the race is told, privately, that it goes out only once.
    await vi.waitFor(() => {
      const told = urls.flatMap((u) => bed.slack.responsesTo(u)).filter((c) => c.body.replace_original === false);
      expect(told.map((c) => c.body.text)).toEqual([expect.stringMatching(/already approved by req\d+; it is sent only once/)]);
    });
    // Before the relay has answered, the card says it is on its way and offers no buttons.
    const sending = await waitForCall(() => urls.flatMap((u) => bed.slack.responsesTo(u)).find((c) => c.body.replace_original === true));
    expect(seeCard(sending.body)).toMatchObject({ text: expect.stringContaining('Sending… (SMS to +1 555 123 4567)'), buttons: [] });
    await bed.app.drain();

    const mine = bed.relay.requests.filter((r) => r.body?.idempotency_key === draft.idempotencyKey);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body).toEqual({
      phone_id: 7, channel: 'sms', to: '+15551234567', text: 'Build finished successfully.', source: 'relaybot', idempotency_key: draft.idempotencyKey,
    });
    const last = await vi.waitFor(() => {
      const updates = urls.flatMap((u) => bed.slack.responsesTo(u)).filter((c) => c.body.replace_original === true);
      const latest = updates.at(-1);
      expect(latest && seeCard(latest.body).text).toContain('✅ Sent to +1 555 123 4567 by SMS');
      return latest!;
    });
    expect(seeCard(last.body).buttons).toEqual([]);
  });

  it('turns the card into Cancelled and sends nothing', async () => {
    const alice = person();
    const { draft } = await draftBySlash(alice);
    const url = bed.slack.responseUrl(`cancel-${draft.id}`);
    await postSlack(bed.baseUrl, buttonClick({ actionId: 'draft_cancel', draftId: draft.id, responseUrl: url, ...alice }));
    const update = await waitForCall(() => bed.slack.responsesTo(url).find((x) => x.body.replace_original === true));
    expect(seeCard(update.body).text).toContain('Cancelled — nothing was sent');
    expect(seeCard(update.body).buttons).toEqual([]);
    expect((await bed.app.bot.getDraft(draft.id))!.status).toBe('cancelled');
  });

  it('says a card expired and removes its buttons', async () => {
    const alice = person();
    const { draft, responseUrl } = await draftBySlash(alice);
    bed.clock.advance(16 * 60_000);
    try {
      await bed.app.sweeper.sweep();
      const update = await vi.waitFor(() => {
        const c = bed.slack.responsesTo(responseUrl).filter((x) => x.body.blocks).at(-1);
        expect(c && seeCard(c.body).text).toContain('Expired — nothing was sent');
        return c!;
      });
      expect(seeCard(update.body).buttons).toEqual([]);
      // A late click on the old card is told so.
      const url = bed.slack.responseUrl(`late-${draft.id}`);
      await postSlack(bed.baseUrl, buttonClick({ actionId: 'draft_confirm', draftId: draft.id, responseUrl: url, ...alice }));
      await vi.waitFor(() => expect(bed.slack.responsesTo(url).map((c) => c.body.text)).toContain('This draft has expired; nothing was sent. Ask again to make a new one.'));
    } finally {
      bed.clock.advance(-16 * 60_000);
    }
  });
});

describe('Slack: request authenticity', () => {
  const command = () => slashCommand({ text: 'text +15551234567 forged', responseUrl: bed.slack.responseUrl('forged'), user: 'U0FORGER' });
  const now = () => Math.floor(Date.now() / 1000);

  it('refuses a bad signature, a 10-minute-old timestamp and one 10 minutes ahead with 401, and drafts nothing', async () => {
    expect((await postSlack(bed.baseUrl, { ...command(), secret: 'not-the-secret' })).status).toBe(401);
    expect((await postSlack(bed.baseUrl, { ...command(), ts: now() - 600 })).status).toBe(401);
    expect((await postSlack(bed.baseUrl, { ...command(), ts: now() + 600 })).status).toBe(401);
    expect(await bed.app.bot.history({ platform: 'slack', userId: 'U0FORGER' }, 10)).toEqual([]);
  });

  it('fails start() with one clear line when Slack refuses the bot token', async () => {
    bed.slack.failNext('auth.test', 'invalid_auth');
    const adapter = createSlackAdapter({
      bot: bed.app.bot,
      clock: bed.clock, logger: silentLogger, botToken: 'xoxb-revoked', signingSecret: 'x', apiUrl: bed.slack.apiUrl,
    });
    await expect(adapter.start()).rejects.toThrow('SLACK_BOT_TOKEN: Slack did not accept it (slack api: invalid_auth).');
  });

  it('serves a request that arrives before start() (it verifies the token first)', async () => {
    const { baseUrl } = await bed.extraAdapter({}, { start: false });
    const answer = await postSlack(baseUrl, slashCommand({ text: 'help', responseUrl: bed.slack.responseUrl('early') }));
    expect(answer.status).toBe(200);
    expect(answer.json.text).toContain('/send history');
  });

  it('handles a retried event (X-Slack-Retry-Num, same event_id) once: one draft, one card', async () => {
    const alice = person();
    const event = eventCallback('im', { eventId: `Ev${alice.user}`, user: alice.user, text: 'text <tel:+15551234567|+1 555 123 4567> the deploy is done', ts: '1700000300.000100' });
    expect((await postSlack(bed.baseUrl, event)).status).toBe(200);
    expect((await postSlack(bed.baseUrl, { ...event, headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } })).status).toBe(200);
    await vi.waitFor(async () => expect(await bed.app.bot.history({ platform: 'slack', userId: alice.user }, 10)).toHaveLength(1));
    const cards = () => bed.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'D0ALICE01' && JSON.stringify(c.body.blocks ?? '').includes('the deploy is done'));
    await vi.waitFor(() => expect(cards()).toHaveLength(1));
    const [draft] = await bed.app.bot.history({ platform: 'slack', userId: alice.user }, 1);
    expect(draft).toMatchObject({ text: 'the deploy is done', to: '+15551234567', cardRef: expect.stringMatching(/^msg:D0ALICE01:/) });
  });
});

describe('Slack: the edit modal', () => {
  it('opens with the draft\'s values, saves the new text (audited before/after), and the edited text is what gets relayed', async () => {
    const alice = person();
    const { draft } = await draftBySlash(alice);
    const editUrl = bed.slack.responseUrl(`edit-${draft.id}`);
    await postSlack(bed.baseUrl, buttonClick({ actionId: 'draft_edit', draftId: draft.id, responseUrl: editUrl, ...alice }));
    const opened = await waitForCall(() => bed.slack.callsTo('views.open').find((x) => x.body.trigger_id === `trigger-${draft.id}-draft_edit`));
    const inputs = Object.fromEntries(opened.body.view.blocks.map((b: any) => [b.block_id, b.element]));
    expect(inputs.text.initial_value).toBe('Build finished successfully.');
    expect(inputs.recipient.initial_value).toBe('+15551234567');

    const saved = await postSlack(bed.baseUrl, editSubmission({ draftId: draft.id, ...alice, text: 'Build finished — all tests green.' }));
    expect(saved.status).toBe(200);
    expect(saved.text).toBe(''); // an empty ack closes the modal

    const edited = (await bed.app.stores.audit.list({ draftId: draft.id })).find((e) => e.action === 'draft.edited');
    expect(edited?.details).toMatchObject({
      before: { text: 'Build finished successfully.' },
      after: { text: 'Build finished — all tests green.' },
    });
    await vi.waitFor(() => {
      const redraw = bed.slack.responsesTo(editUrl).filter((c) => c.body.replace_original === true).at(-1);
      expect(redraw && seeCard(redraw.body).text).toContain('Build finished — all tests green.');
    });

    await postSlack(bed.baseUrl, buttonClick({ actionId: 'draft_confirm', draftId: draft.id, responseUrl: bed.slack.responseUrl(`send-${draft.id}`), ...alice }));
    await vi.waitFor(async () => expect((await bed.app.bot.getDraft(draft.id))!.status).not.toBe('pending'));
    await bed.app.drain();
    const relayed = bed.relay.requests.filter((r) => r.body?.idempotency_key === draft.idempotencyKey);
    expect(relayed.map((r) => r.body.text)).toEqual(['Build finished — all tests green.']);
  });

  it('shows an invalid number under the recipient field and keeps the draft as it was', async () => {
    const alice = person();
    const { draft } = await draftBySlash(alice);
    const answer = await postSlack(bed.baseUrl, editSubmission({ draftId: draft.id, ...alice, to: '12' }));
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      response_action: 'errors',
      errors: { recipient: '"12" is not a valid phone number. Write it with the country code, like +15551234567.' },
    });
    expect((await bed.app.bot.getDraft(draft.id))!.to).toBe('+15551234567');
  });

  it('does not open the modal for someone else\'s draft, and says who can edit it', async () => {
    const alice = person();
    const { draft } = await draftBySlash(alice);
    const url = bed.slack.responseUrl(`edit-stranger-${draft.id}`);
    await postSlack(bed.baseUrl, buttonClick({ actionId: 'draft_edit', draftId: draft.id, responseUrl: url, user: 'U0MALLORY', userName: 'mallory', ephemeral: false }));
    await vi.waitFor(() => expect(bed.slack.responsesTo(url).map((c) => c.body.text)).toEqual([`Only ${alice.userName}, who asked for this message, can edit it.`]));
    expect(bed.slack.callsTo('views.open').some((c) => c.body.trigger_id === `trigger-${draft.id}-draft_edit`)).toBe(false);
  });
});

describe('Slack: conversations, help, history, contacts', () => {
  it('answers a mention in its thread and asks there when something is missing', async () => {
    const alice = person();
    const mentionTs = '1700000400.000100';
    await postSlack(bed.baseUrl, eventCallback('mention', { eventId: `EvQ${alice.user}`, user: alice.user, ts: mentionTs, text: '<@UBOTRELAY> text the deploy is done' }));
    const question = await waitForCall(() => bed.slack.callsTo('chat.postMessage').find((x) => x.body.thread_ts === mentionTs));
    expect(question.body.channel).toBe('C0DEPLOY1');
    expect(question.body.blocks).toBeUndefined();
    expect(await bed.app.bot.history(actor(alice), 10)).toHaveLength(0);

    // The answer, in the same thread, completes the request.
    await postSlack(bed.baseUrl, eventCallback('mention', { eventId: `EvA${alice.user}`, user: alice.user, ts: '1700000401.000100', threadTs: mentionTs, text: '<@UBOTRELAY> <tel:+15551234567|+1 555 123 4567>' }));
    const card = await waitForCall(() => bed.slack.callsTo('chat.postMessage').find((x) => x.body.thread_ts === mentionTs && x.body.blocks));
    expect(seeCard(card.body).text).toContain('Draft SMS to +1 555 123 4567');
    const [draft] = await bed.app.bot.history({ platform: 'slack', userId: alice.user }, 1);
    expect(draft).toMatchObject({ text: 'the deploy is done', conversation: { chatId: 'C0DEPLOY1', threadId: mentionTs, workspaceId: 'T0RELAY01' } });
    // Events carry only an id; the card names the person (users.info).
    expect(seeCard(card.body).text).toContain(`Requested by Person ${alice.user}`);
  });

  it('ignores bot messages and message subtypes (edits, joins)', async () => {
    const before = bed.slack.calls.length;
    await postSlack(bed.baseUrl, eventCallback('im', { eventId: 'EvBOT1', text: 'text +15551234567 hi', extra: { bot_id: 'B0OTHER' } }));
    await postSlack(bed.baseUrl, eventCallback('im', { eventId: 'EvEDIT1', text: 'text +15551234567 hi', extra: { subtype: 'message_changed' } }));
    // A third, normal event proves the two above were processed (and ignored) before it.
    const alice = person();
    await postSlack(bed.baseUrl, eventCallback('im', { eventId: `EvOK${alice.user}`, user: alice.user, text: 'help' }));
    await vi.waitFor(() => expect(bed.slack.calls.slice(before).filter((c) => c.method === 'chat.postMessage')).toHaveLength(1));
    expect(bed.slack.calls.slice(before).filter((c) => c.method === 'chat.postMessage')[0]!.body.text).toContain('/send history');
  });

  it('keeps user text literal: a mention-looking message does not ping the channel', async () => {
    const alice = person();
    const { card } = await draftBySlash(alice, 'text +15551234567 <!channel> deploy done & @here');
    const json = JSON.stringify(card.body.blocks.filter((b: any) => b.type !== 'rich_text'));
    expect(json).not.toContain('<!channel>');
    const body = card.body.blocks.find((b: any) => b.block_id === 'draft_message');
    expect(body.elements[0].elements[0].text).toBe('@channel deploy done & @here');
  });

  it('answers /send help, /send history and /send contacts privately', async () => {
    const alice = person();
    const help = await postSlack(bed.baseUrl, slashCommand({ text: 'help', responseUrl: bed.slack.responseUrl('help'), ...alice }));
    expect(help.json).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/send contacts add NAME CHANNEL ADDRESS') });

    const { draft } = await draftBySlash(alice);
    await postSlack(bed.baseUrl, buttonClick({ actionId: 'draft_cancel', draftId: draft.id, responseUrl: bed.slack.responseUrl(`c-${draft.id}`), ...alice }));
    await vi.waitFor(async () => expect((await bed.app.bot.getDraft(draft.id))!.status).toBe('cancelled'));
    const historyUrl = bed.slack.responseUrl(`history-${alice.user}`);
    await postSlack(bed.baseUrl, slashCommand({ text: 'history', responseUrl: historyUrl, ...alice }));
    await vi.waitFor(() => expect(bed.slack.responsesTo(historyUrl)[0]?.body).toMatchObject({
      response_type: 'ephemeral', text: expect.stringMatching(/Your last 1 message\*\n.*SMS to \+1 555 123 4567 · 🚫 cancelled/),
    }));

    const addUrl = bed.slack.responseUrl(`add-${alice.user}`);
    await postSlack(bed.baseUrl, slashCommand({ text: 'contacts add Night desk sms +1 (555) 987-6543', responseUrl: addUrl, ...alice }));
    await vi.waitFor(() => expect(bed.slack.responsesTo(addUrl)[0]?.body.text).toBe('Saved *Night desk*: SMS +1 555 987 6543.'));
    expect(await bed.app.stores.contacts.find('slack:T0RELAY01', 'night desk')).toMatchObject([{ channel: 'sms', address: '+15559876543' }]);
    const audited = (await bed.app.stores.audit.list({ actor: `slack:${alice.user}` })).filter((e) => e.action === 'contact.saved');
    expect(audited[0]?.details).toMatchObject({ scope: 'slack:T0RELAY01', name: 'Night desk', channel: 'sms', address: '+15559876543' });
    const listUrl = bed.slack.responseUrl(`list-${alice.user}`);
    await postSlack(bed.baseUrl, slashCommand({ text: 'contacts', responseUrl: listUrl, ...alice }));
    await vi.waitFor(() => expect(bed.slack.responsesTo(listUrl)[0]?.body.text).toContain('*Night desk* — SMS +1 555 987 6543'));
  });

  it('with SLACK_ALLOWED_USERS, tells anyone else politely and drafts nothing', async () => {
    const { baseUrl } = await bed.extraAdapter({ allowedUsers: ['U0BOSS001'] });
    const answer = await postSlack(baseUrl, slashCommand({ text: 'text +15551234567 hi', responseUrl: bed.slack.responseUrl('nope'), user: 'U0OUTSIDE' }));
    expect(answer.json).toEqual({ response_type: 'ephemeral', text: expect.stringMatching(/^Sorry — relaybot is limited to certain people/) });
    expect(await bed.app.bot.history({ platform: 'slack', userId: 'U0OUTSIDE' }, 10)).toEqual([]);
  });
});
