/**
 * A slash command has no id of its own: the same signed bytes posted again
 * within the signature's 5 minutes — to this replica or another — must not
 * make a second draft.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForCall } from './card-reading.js';
import { postSlack, signature, SIGNING_SECRET, slashCommand } from './slack-requests.js';
import { startSlackTestBed, type SlackTestBed } from './slack-test-bed.js';

let bed: SlackTestBed;
let replica: string;
beforeAll(async () => {
  bed = await startSlackTestBed();
  // A second adapter and server on the same database: another replica behind the load balancer.
  replica = (await bed.extraAdapter({})).baseUrl;
}, 60_000);
afterAll(async () => {
  await bed?.close();
});

const who = { user: 'U0REPLAY1', userName: 'replayer' };
const actor = { platform: 'slack' as const, userId: who.user, name: who.userName };

describe('Slack: replayed slash commands', () => {
  it('the same signed /send posted again, here or on another replica, is acknowledged and makes no second draft', async () => {
    const responseUrl = bed.slack.responseUrl('replay-1');
    const signed = { ...slashCommand({ text: 'text +15551234567 Lunch at noon', responseUrl, ...who }), ts: Math.floor(Date.now() / 1000) - 60 };

    const first = await postSlack(bed.baseUrl, signed);
    expect(first.json).toEqual({ response_type: 'ephemeral', text: 'Drafting…' });
    await waitForCall(() => bed.slack.responsesTo(responseUrl).find((c) => c.body.blocks));

    const again = await postSlack(bed.baseUrl, signed);
    const elsewhere = await postSlack(replica, signed);
    // Acknowledged like any command (the replay check runs after the ack, off Slack's 3-second
    // path; that answer goes to whoever replayed the bytes, not to Slack), and then not acted on.
    for (const replay of [again, elsewhere]) expect(replay.status).toBe(200);
    // Give a wrongly accepted replay the time to draft before counting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await bed.app.bot.history(actor, 10)).toHaveLength(1);
    expect(bed.slack.responsesTo(responseUrl).filter((c) => c.body.blocks)).toHaveLength(1);
  });

  it('the same words sent again as a new request (a new timestamp, so a new signature) still draft', async () => {
    const person = { user: 'U0REPLAY2', userName: 'again' };
    const responseUrl = bed.slack.responseUrl('again');
    const command = slashCommand({ text: 'text +15551234567 Lunch at noon', responseUrl, ...person });
    const now = Math.floor(Date.now() / 1000);
    await postSlack(bed.baseUrl, { ...command, ts: now - 2 });
    await postSlack(bed.baseUrl, { ...command, ts: now - 1 });
    await waitForCall(() => bed.slack.responsesTo(responseUrl).filter((c) => c.body.blocks)[1]);
    expect(await bed.app.bot.history({ platform: 'slack', userId: person.user }, 10)).toHaveLength(2);
  });

  it('only verified requests are remembered: other bytes under a stolen signature cannot block the genuine request', async () => {
    const responseUrl = bed.slack.responseUrl('stolen-signature');
    const ts = Math.floor(Date.now() / 1000);
    const genuine = { ...slashCommand({ text: 'text +15551234567 Lunch at noon', responseUrl, ...who }), ts };
    const stolen = signature(SIGNING_SECRET, ts, genuine.body);
    const other = { ...slashCommand({ text: 'text +15551234567 something else', responseUrl, ...who }), ts, headers: { 'x-slack-signature': stolen } };
    expect((await postSlack(bed.baseUrl, other)).status).toBe(401);
    expect((await postSlack(bed.baseUrl, genuine)).json).toEqual({ response_type: 'ephemeral', text: 'Drafting…' });
  });
});
