/**
 * A draft whose card Slack would not take (the channel is gone, archived, or
 * the bot was removed) must not stay pending where nobody can see or decide it.
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

describe('Slack: a draft card that cannot be posted', () => {
  it('withdraws the draft (audited) and tells the requester by DM when the channel refuses even an ephemeral', async () => {
    const user = 'U0GONE0001';
    bed.slack.failNext('chat.postMessage', 'channel_not_found');
    bed.slack.failNext('chat.postEphemeral', 'channel_not_found');
    await postSlack(bed.baseUrl, eventCallback('mention', { eventId: 'EvGONE1', user, ts: '1700000500.000100', text: '<@UBOTRELAY> text +15551234567 the build is out' }));

    const told = await waitForCall(() => bed.slack.callsTo('chat.postMessage').find((c) => c.body.channel === user));
    expect(told.body.text).toContain('I cancelled that draft; nothing was sent');
    const [draft] = await bed.app.bot.history({ platform: 'slack', userId: user }, 1);
    expect(draft?.status).toBe('cancelled');
    const audit = await bed.app.stores.audit.list({ draftId: draft!.id });
    expect(audit.find((e) => e.action === 'draft.cancelled')).toMatchObject({ actor: null, details: { reason: 'card_not_shown', detail: 'slack: slack api: channel_not_found' } });
  });
});
