/**
 * Text Postgres cannot hold (a null byte, a lone surrogate) arriving from
 * Slack gets a sentence back naming the field, never "Something went wrong".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForCall } from './card-reading.js';
import { eventCallback, postSlack, slashCommand } from './slack-requests.js';
import { startSlackTestBed, type SlackTestBed } from './slack-test-bed.js';

let bed: SlackTestBed;
beforeAll(async () => {
  bed = await startSlackTestBed();
}, 60_000);
afterAll(async () => {
  await bed?.close();
});

const who = { user: 'U0BADTEXT', userName: 'badtext' };

async function answerTo(text: string, tag: string): Promise<string> {
  const responseUrl = bed.slack.responseUrl(tag);
  const answer = await postSlack(bed.baseUrl, slashCommand({ text, responseUrl, ...who }));
  expect(answer.status).toBe(200);
  const posted = await waitForCall(() => bed.slack.responsesTo(responseUrl)[0]);
  return String(posted.body.text);
}

describe('Slack: text the database cannot hold', () => {
  it('/send with a null byte is answered with the reason, and drafts nothing', async () => {
    expect(await answerTo('text +15551234567 Lunch\u0000 at noon', 'null-text')).toMatch(/^text: contains a null byte/);
    expect(await bed.app.bot.history({ platform: 'slack', userId: who.user }, 10)).toHaveLength(0);
  });

  it('a DM with a lone surrogate (JSON can carry one; a form cannot) is answered with the reason', async () => {
    const event = eventCallback('im', { eventId: 'EvBADSURROGATE', user: who.user, text: 'text +15551234567 Lunch \udc00 at noon', ts: '1700000900.000100' });
    expect((await postSlack(bed.baseUrl, event)).status).toBe(200);
    const said = await waitForCall(() => bed.slack.callsTo('chat.postMessage').find((c) => String(c.body.text ?? '').startsWith('text: ')));
    expect(said.body.text).toMatch(/^text: contains a broken character/);
    expect(await bed.app.bot.history({ platform: 'slack', userId: who.user }, 10)).toHaveLength(0);
  });

  it('/send contacts add with a null byte in the name is refused naming it', async () => {
    expect(await answerTo('contacts add Night\u0000desk sms +15559876543', 'null-contact')).toMatch(/^name: contains a null byte/);
  });
});
