import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seeCard, waitForCall } from './card-reading.js';
import { buttonClick, postSlack, slashCommand } from './slack-requests.js';
import { startSlackTestBed, type SlackTestBed } from './slack-test-bed.js';

const BOSS = { user: 'U0BOSS001', userName: 'boss' };
const ALICE = { user: 'U0ALICE01', userName: 'alice' };

describe('Slack in four-eyes mode', () => {
  let bed: SlackTestBed;
  beforeAll(async () => {
    bed = await startSlackTestBed({ policy: { approval: { mode: 'four-eyes', approvers: [`slack:${BOSS.user}`] } } });
  });
  afterAll(async () => {
    await bed?.close();
  });

  it('posts the card in the channel; the requester cannot approve it; an approver can, and the card is updated in place', async () => {
    const responseUrl = bed.slack.responseUrl('four-eyes-cmd');
    await postSlack(bed.baseUrl, slashCommand({ text: 'text +15551234567 Build finished successfully.', responseUrl, ...ALICE }));
    const posted = await waitForCall(() => bed.slack.callsTo('chat.postMessage').find((x) => x.body.blocks));
    expect(posted.body.channel).toBe('C0DEPLOY1');
    const draftId = seeCard(posted.body).buttons[0]!.value;
    // The requester's "Drafting…" becomes the agent's sentence.
    await vi.waitFor(() => expect(bed.slack.responsesTo(responseUrl)[0]?.body).toMatchObject({
      replace_original: true, text: expect.stringContaining('An approver must press Send'),
    }));
    const ts = (await bed.app.bot.getDraft(draftId))!.cardRef!.split(':')[2]!;

    const ownUrl = bed.slack.responseUrl('own-click');
    await postSlack(bed.baseUrl, buttonClick({ actionId: 'draft_confirm', draftId, responseUrl: ownUrl, ephemeral: false, messageTs: ts, ...ALICE }));
    await vi.waitFor(() => expect(bed.slack.responsesTo(ownUrl).map((c) => c.body)).toEqual([
      { response_type: 'ephemeral', replace_original: false, text: 'You asked for this message, so someone else must approve it (four-eyes mode).' },
    ]));
    expect((await bed.app.bot.getDraft(draftId))!.status).toBe('pending');

    await postSlack(bed.baseUrl, buttonClick({ actionId: 'draft_confirm', draftId, responseUrl: bed.slack.responseUrl('boss-click'), ephemeral: false, messageTs: ts, ...BOSS }));
    await vi.waitFor(async () => expect((await bed.app.bot.getDraft(draftId))!.status).not.toBe('pending'));
    await bed.app.drain();
    expect(bed.relay.requests).toHaveLength(1);
    await vi.waitFor(() => {
      const last = bed.slack.callsTo('chat.update').at(-1);
      expect(last?.body).toMatchObject({ channel: 'C0DEPLOY1', ts });
      expect(seeCard(last!.body).text).toContain('✅ Sent to +1 555 123 4567 by SMS');
      expect(seeCard(last!.body).text).toContain('Approved by boss');
      expect(seeCard(last!.body).buttons).toEqual([]);
    });
  });

  it('falls back to a private card, and says why, when it cannot post in the channel', async () => {
    bed.slack.failNext('chat.postMessage', 'not_in_channel');
    const responseUrl = bed.slack.responseUrl('four-eyes-not-in-channel');
    await postSlack(bed.baseUrl, slashCommand({ text: 'text +15551234567 fallback please', responseUrl, ...ALICE }));
    await vi.waitFor(() => {
      const answers = bed.slack.responsesTo(responseUrl).map((c) => c.body);
      expect(answers.some((b) => /could not post this draft in the channel/.test(b.text))).toBe(true);
      expect(answers.some((b) => b.blocks && seeCard(b).text.includes('fallback please'))).toBe(true);
    });
  });
});
