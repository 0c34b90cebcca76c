import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seeCard, waitForCall } from './card-reading.js';
import { buttonClick, editSubmission, postSlack, slashCommand } from './slack-requests.js';
import { startSlackTestBed, type SlackTestBed } from './slack-test-bed.js';

const BOSS = { user: 'U0BOSS001', userName: 'boss' };
const STALE = 'The draft changed since you saw it — check the new version';
const ALICE = { user: 'U0ALICE01', userName: 'alice' };

describe('Slack in four-eyes mode', () => {
  let bed: SlackTestBed;
  beforeAll(async () => {
    // boss approves from Slack, and from the web console as web:boss.
    bed = await startSlackTestBed({ policy: { approval: { mode: 'four-eyes', approvers: [`slack:${BOSS.user}`, 'web:boss'] } } });
  });
  afterAll(async () => {
    await bed?.close();
  });

  it('posts the card in the channel; the requester cannot approve it; an approver can, and the card is updated in place', async () => {
    const responseUrl = bed.slack.responseUrl('four-eyes-cmd');
    await postSlack(bed.baseUrl, slashCommand({ text: 'text +15551234567 Build finished successfully.', responseUrl, ...ALICE }));
    const posted = await waitForCall(() => bed.slack.callsTo('chat.postMessage').find((x) => x.body.blocks));
    expect(posted.body.channel).toBe('C0DEPLOY1');
    const [draftId, shown] = seeCard(posted.body).buttons[0]!.value.split(':') as [string, string];
    const version = Number(shown);
    expect(version).toBe(1);
    // The requester's "Drafting…" becomes the agent's sentence.
    await vi.waitFor(() => expect(bed.slack.responsesTo(responseUrl)[0]?.body).toMatchObject({
      replace_original: true, text: expect.stringContaining('An approver must press Send'),
    }));
    const ts = (await bed.app.bot.getDraft(draftId))!.cardRef!.split(':')[2]!;

    const ownUrl = bed.slack.responseUrl('own-click');
    await postSlack(bed.baseUrl, buttonClick({ actionId: 'draft_confirm', draftId, version, responseUrl: ownUrl, ephemeral: false, messageTs: ts, ...ALICE }));
    await vi.waitFor(() => expect(bed.slack.responsesTo(ownUrl).map((c) => c.body)).toEqual([
      { response_type: 'ephemeral', replace_original: false, text: 'You asked for this message, so someone else must approve it (four-eyes mode).' },
    ]));
    expect((await bed.app.bot.getDraft(draftId))!.status).toBe('pending');

    await postSlack(bed.baseUrl, buttonClick({ actionId: 'draft_confirm', draftId, version, responseUrl: bed.slack.responseUrl('boss-click'), ephemeral: false, messageTs: ts, ...BOSS }));
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

  /** `/send` as alice; the card posted in the channel, its draft id, the version its buttons carry, and its ts. */
  async function channelCard(text: string) {
    const before = bed.slack.callsTo('chat.postMessage').length;
    await postSlack(bed.baseUrl, slashCommand({ text, responseUrl: bed.slack.responseUrl(`cmd-${text}`), ...ALICE }));
    const posted = await waitForCall(() => bed.slack.callsTo('chat.postMessage').slice(before).find((x) => x.body.blocks));
    const [draftId, version] = seeCard(posted.body).buttons[0]!.value.split(':') as [string, string];
    const ts = (await vi.waitFor(async () => (await bed.app.bot.getDraft(draftId))!.cardRef!.split(':')[2]!))!;
    return { draftId, version: Number(version), ts };
  }
  const lastCard = (ts: string) => seeCard(bed.slack.callsTo('chat.update').filter((c) => c.body.ts === ts).at(-1)!.body);

  it("refuses the approver's Send on a card the requester has since edited: told privately, card redrawn at the new version, nothing sent", async () => {
    const { draftId, version, ts } = await channelCard('text +15551234567 Lunch at noon');
    expect(version).toBe(1);

    // alice edits through the modal, opened from the card (the modal carries version 1).
    await postSlack(bed.baseUrl, buttonClick({ actionId: 'draft_edit', draftId, version, responseUrl: bed.slack.responseUrl('alice-edit'), ephemeral: false, messageTs: ts, ...ALICE }));
    const opened = await waitForCall(() => bed.slack.callsTo('views.open').find((x) => x.body.trigger_id === `trigger-${draftId}-draft_edit`));
    expect(JSON.parse(opened.body.view.private_metadata)).toEqual({ draftId, version: 1 });
    const saved = await postSlack(bed.baseUrl, editSubmission({ draftId, version: 1, user: ALICE.user, to: '+15550001111', text: 'Wire the money now' }));
    expect(saved.text).toBe('');
    await vi.waitFor(() => {
      const card = lastCard(ts);
      expect(card.text).toContain('Wire the money now');
      expect(card.text).toContain('v2');
      expect(card.buttons.map((b) => b.value)).toEqual([`${draftId}:2`, `${draftId}:2`, `${draftId}:2`]);
    });
    const redraws = bed.slack.callsTo('chat.update').filter((c) => c.body.ts === ts).length;

    // boss presses Send on the card as it was (version 1).
    const bossUrl = bed.slack.responseUrl('boss-stale');
    await postSlack(bed.baseUrl, buttonClick({ actionId: 'draft_confirm', draftId, version: 1, responseUrl: bossUrl, ephemeral: false, messageTs: ts, ...BOSS }));
    await vi.waitFor(() => {
      const told = bed.slack.responsesTo(bossUrl).map((c) => c.body);
      expect(told).toHaveLength(1);
      expect(told[0]).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(told[0].text).toContain(STALE);
    });
    // The card is drawn again at the version that is there now.
    await vi.waitFor(() => expect(bed.slack.callsTo('chat.update').filter((c) => c.body.ts === ts).length).toBeGreaterThan(redraws));
    expect(lastCard(ts).buttons.map((b) => b.value)).toEqual([`${draftId}:2`, `${draftId}:2`, `${draftId}:2`]);
    expect(lastCard(ts).text).toContain('Wire the money now');
    await bed.app.drain();
    expect(bed.relay.requests.filter((r) => r.body.to === '+15550001111')).toEqual([]);
    const draft = (await bed.app.bot.getDraft(draftId))!;
    expect(draft).toMatchObject({ status: 'pending', version: 2 });
    const refused = (await bed.app.stores.audit.list({ draftId })).find((e) => e.action === 'decision.refused');
    expect(refused).toMatchObject({ actor: { userId: BOSS.user }, details: { seenVersion: 1, currentVersion: 2 } });

    // A card drawn before versions (bare id) cannot approve in four-eyes mode either.
    const oldUrl = bed.slack.responseUrl('boss-bare');
    await postSlack(bed.baseUrl, buttonClick({ actionId: 'draft_confirm', draftId, responseUrl: oldUrl, ephemeral: false, messageTs: ts, ...BOSS }));
    await vi.waitFor(() => expect(bed.slack.responsesTo(oldUrl)[0]?.body.text).toMatch(/^version:/));
    expect((await bed.app.bot.getDraft(draftId))!.status).toBe('pending');

    // The new card's Send relays exactly version 2, once.
    await postSlack(bed.baseUrl, buttonClick({ actionId: 'draft_confirm', draftId, version: 2, responseUrl: bed.slack.responseUrl('boss-v2'), ephemeral: false, messageTs: ts, ...BOSS }));
    await vi.waitFor(async () => expect((await bed.app.bot.getDraft(draftId))!.status).not.toBe('pending'));
    await bed.app.drain();
    const relayed = bed.relay.requests.filter((r) => r.body.idempotency_key === draft.idempotencyKey);
    expect(relayed.map((r) => [r.body.to, r.body.text])).toEqual([['+15550001111', 'Wire the money now']]);
  });

  it('refuses a save from an edit modal opened on a version that has changed since', async () => {
    const { draftId, ts } = await channelCard('text +15551234567 Standup at 10');
    // Two modals open on version 1; the first save wins and makes version 2.
    expect((await postSlack(bed.baseUrl, editSubmission({ draftId, version: 1, user: ALICE.user, text: 'Standup at 11' }))).text).toBe('');
    const late = await postSlack(bed.baseUrl, editSubmission({ draftId, version: 1, user: ALICE.user, text: 'Standup cancelled' }));
    expect(late.json).toMatchObject({ response_action: 'update' });
    expect(JSON.stringify(late.json.view)).toContain(STALE);
    expect((await bed.app.bot.getDraft(draftId))!).toMatchObject({ version: 2, text: 'Standup at 11' });
    await vi.waitFor(() => expect(lastCard(ts).text).toContain('Standup at 11'));
  });

  it('redraws the Slack card when an approver decides from another front-end (the web API)', async () => {
    const { draftId, version, ts } = await channelCard('text +15551234567 Cancel me from the web');
    const res = await fetch(`${bed.baseUrl}/api/drafts/${draftId}/cancel`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'boss', version }),
    });
    expect(res.status).toBe(200);
    await vi.waitFor(() => {
      expect(lastCard(ts).text).toContain('Cancelled — nothing was sent');
      expect(lastCard(ts).buttons).toEqual([]);
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
