/**
 * Slack's edges: Slackbot's own notices in a DM are not requests, and an
 * answer Slack refuses to post in a channel (the bot is not in it, or the
 * channel is gone) reaches the person privately, saying why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForCall } from './card-reading.js';
import { eventCallback, postSlack } from './slack-requests.js';
import { startSlackTestBed, type SlackTestBed } from './slack-test-bed.js';

let bed: SlackTestBed;
beforeAll(async () => {
  bed = await startSlackTestBed();
});
afterAll(async () => {
  await bed?.close();
});

const dmTo = (user: string) => bed.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === user);

describe('Slack: system messages', () => {
  it('ignores Slackbot (USLACKBOT) writing in the DM with no subtype, and answers the person who writes next', async () => {
    const before = bed.slack.calls.length;
    await postSlack(bed.baseUrl, eventCallback('im', { eventId: 'EvSLACKBOT1', user: 'USLACKBOT', text: 'text +15551234567 Reminder: the deploy review' }));
    await postSlack(bed.baseUrl, eventCallback('im', { eventId: 'EvAFTERBOT1', user: 'U0PERSON01', text: 'help' }));
    await waitForCall(() => bed.slack.calls.slice(before).find((c) => c.method === 'chat.postMessage'));
    // The person's answer came; give Slackbot's event as long again to show a draft if it were handled.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const posted = bed.slack.calls.slice(before).filter((c) => c.method === 'chat.postMessage');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.body.text).toContain('/send history');
    expect(await bed.app.bot.history({ platform: 'slack', userId: 'USLACKBOT' }, 5)).toEqual([]);
    expect(bed.slack.calls.slice(before).filter((c) => c.method === 'users.info' && c.body.user === 'USLACKBOT')).toEqual([]);
  });
});

describe('Slack: a channel that refuses the answer', () => {
  it('a mention in a channel the bot is no longer in: the question goes to the person by DM, with why', async () => {
    const user = 'U0LEFT0001';
    bed.slack.failNext('chat.postMessage', 'not_in_channel');
    bed.slack.failNext('chat.postEphemeral', 'not_in_channel');
    await postSlack(bed.baseUrl, eventCallback('mention', { eventId: 'EvLEFT1', user, ts: '1700000600.000100', text: '<@UBOTRELAY> text the deploy is done' }));
    const told = await waitForCall(() => dmTo(user)[0]);
    expect(told.body.text).toBe('I could not answer you there. I am not a member of that channel. Invite me with /invite @relaybot, or write to me in a direct message.');
    expect(await bed.app.bot.history({ platform: 'slack', userId: user }, 5)).toEqual([]);
  });

  it('"history" asked in a channel that is gone: the refusal is explained by DM', async () => {
    const user = 'U0GONE0002';
    bed.slack.failNext('chat.postEphemeral', 'channel_not_found');
    bed.slack.failNext('chat.postEphemeral', 'channel_not_found');
    await postSlack(bed.baseUrl, eventCallback('mention', { eventId: 'EvGONE2', user, ts: '1700000601.000100', text: '<@UBOTRELAY> history' }));
    const told = await waitForCall(() => dmTo(user)[0]);
    expect(told.body.text).toMatch(/^I could not answer you there\. Slack would not let me see that channel/);
  });

  it('someone not on SLACK_ALLOWED_USERS, in a channel that refuses an ephemeral, is told by DM', async () => {
    const { baseUrl } = await bed.extraAdapter({ allowedUsers: ['U0BOSS001'] });
    const user = 'U0OUTSIDE2';
    bed.slack.failNext('chat.postEphemeral', 'not_in_channel');
    await postSlack(baseUrl, eventCallback('mention', { eventId: 'EvOUT2', user, ts: '1700000602.000100', text: '<@UBOTRELAY> text +15551234567 hi' }));
    const told = await waitForCall(() => dmTo(user)[0]);
    expect(told.body.text).toMatch(/^Sorry — relaybot is limited to certain people/);
  });
});
