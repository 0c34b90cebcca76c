/**
 * The Slack front-end in Socket Mode (SLACK_APP_TOKEN), end to end: Bolt's
 * SocketModeReceiver opens its connection through the fake Web API's
 * apps.connections.open, is greeted with `hello` on a local WebSocket, gets
 * envelopes and answers each with an ack on the same socket — and reconnects
 * when Slack recycles or drops the connection.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttpRelay } from '../../../src/adapters/relay/index.js';
import { createSlackAdapter, type SlackAdapter } from '../../../src/adapters/slack/index.js';
import { createOfflineInterpreter } from '../../../src/core/parser/index.js';
import { createTestApp, silentLogger, type TestApp } from '../../fakes/harness.js';
import { startFakeRelay, type FakeRelay } from '../../fakes/relay-server.js';
import { startFakeSlackApi, type FakeSlackApi } from '../../fakes/slack-api.js';
import { seeCard, waitForCall } from './card-reading.js';
import { buttonClick, editSubmission, eventCallback, SIGNING_SECRET, slashCommand, socketPayload } from './slack-requests.js';

const APP_TOKEN = 'xapp-1-A0RELAY01-1234-socketmodetoken';

let app: TestApp;
let slack: FakeSlackApi;
let relay: FakeRelay;
let adapter: SlackAdapter;

beforeAll(async () => {
  relay = await startFakeRelay({ apiKey: 'relay-key' });
  slack = await startFakeSlackApi();
  app = await createTestApp({
    relay: createHttpRelay({ baseUrl: relay.url, apiKey: 'relay-key', phoneId: '7', timeoutMs: 2000 }),
    interpreter: createOfflineInterpreter(),
  });
  adapter = createSlackAdapter({
    bot: app.bot,
    clock: app.clock,
    logger: silentLogger,
    botToken: 'xoxb-test-token',
    signingSecret: SIGNING_SECRET,
    appToken: APP_TOKEN,
    apiUrl: slack.apiUrl,
  });
  app.notifier.attach(adapter);
  await adapter.start();
});
afterAll(async () => {
  await adapter?.stop();
  await app?.close();
  await slack?.close();
  await relay?.close();
});

let n = 0;
const person = () => {
  n += 1;
  return { user: `U0SOCK${String(n).padStart(3, '0')}`, userName: `sock${n}` };
};
const actor = (p: { user: string; userName: string }) => ({ platform: 'slack' as const, userId: p.user, name: p.userName });

/** `/send …` over the socket: returns its ack, the card posted on its response_url, and the draft. */
async function draftBySocket(who: { user: string; userName: string }) {
  const responseUrl = slack.responseUrl(`sock-${who.user}`);
  const envelopeId = slack.socketMode.deliver('slash_commands', socketPayload(slashCommand({ text: 'text +15551234567 Build finished successfully.', responseUrl, ...who })));
  const ack = await slack.socketMode.ackOf(envelopeId);
  const card = await waitForCall(() => slack.responsesTo(responseUrl).find((c) => c.body.blocks));
  const [draft] = await app.bot.history(actor(who), 1);
  return { ack, card, draft: draft!, responseUrl };
}

describe('Slack Socket Mode', () => {
  it('connects with the app token (no HTTP route) and is greeted', () => {
    expect(adapter.router).toBeNull();
    const opens = slack.callsTo('apps.connections.open');
    expect(opens).toHaveLength(1);
    expect(opens[0]!.headers.authorization).toBe(`Bearer ${APP_TOKEN}`);
    expect(slack.socketMode.openCount).toBe(1);
  });

  it('acks a slash command with "Drafting…" on the socket, then shows the card on the response_url', async () => {
    const alice = person();
    const { ack, card, draft } = await draftBySocket(alice);
    expect(ack.payload).toEqual({ response_type: 'ephemeral', text: 'Drafting…' });
    expect(draft.conversation).toMatchObject({ platform: 'slack', chatId: 'C0DEPLOY1' });
    const seen = seeCard(card.body);
    expect(seen.text).toContain('Draft SMS to +1 555 123 4567');
    expect(seen.buttons.map((b) => [b.label, b.value])).toEqual([
      ['Send', `${draft.id}:1`],
      ['Edit', `${draft.id}:1`],
      ['Cancel', `${draft.id}:1`],
    ]);
  });

  it('relays exactly once on a Send click delivered twice, and redraws the card as Sent', async () => {
    const alice = person();
    const { draft } = await draftBySocket(alice);
    const url = slack.responseUrl(`sock-click-${draft.id}`);
    const click = socketPayload(buttonClick({ actionId: 'draft_confirm', draftId: draft.id, version: 1, responseUrl: url, ...alice }));
    const envelopes = [slack.socketMode.deliver('interactive', click), slack.socketMode.deliver('interactive', click)];
    const acks = await Promise.all(envelopes.map((id) => slack.socketMode.ackOf(id)));
    // A click is acked with nothing to say; the answer goes to the response_url.
    expect(acks.map((a) => a.payload)).toEqual([{}, {}]);
    await vi.waitFor(async () => expect((await app.bot.getDraft(draft.id))!.status).not.toBe('pending'));
    await app.drain();
    const mine = relay.requests.filter((r) => r.body?.idempotency_key === draft.idempotencyKey);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body).toMatchObject({ channel: 'sms', to: '+15551234567', text: 'Build finished successfully.' });
    await vi.waitFor(() => {
      const latest = slack.responsesTo(url).filter((c) => c.body.replace_original === true).at(-1);
      expect(latest && seeCard(latest.body).text).toContain('✅ Sent to +1 555 123 4567 by SMS');
    });
  });

  it('saves the edit modal\'s view_submission, and puts a refusal under its field in the ack', async () => {
    const alice = person();
    const { draft } = await draftBySocket(alice);
    const refusedId = slack.socketMode.deliver('interactive', socketPayload(editSubmission({ draftId: draft.id, version: 1, user: alice.user, to: 'not a number' })));
    const refused = await slack.socketMode.ackOf(refusedId);
    expect(refused.payload).toMatchObject({ response_action: 'errors', errors: { recipient: expect.any(String) } });
    expect((await app.bot.getDraft(draft.id))!.version).toBe(1);

    const savedId = slack.socketMode.deliver('interactive', socketPayload(editSubmission({ draftId: draft.id, version: 1, user: alice.user, text: 'Deploy is green.' })));
    const saved = await slack.socketMode.ackOf(savedId);
    expect(saved.payload).toEqual({});
    const edited = (await app.bot.getDraft(draft.id))!;
    expect(edited).toMatchObject({ text: 'Deploy is green.', version: 2, status: 'pending' });
  });

  it('reconnects through apps.connections.open when Slack asks (disconnect) or drops the socket, and keeps working', async () => {
    const opensBefore = slack.callsTo('apps.connections.open').length;
    const connectionsBefore = slack.socketMode.connectionCount;

    slack.socketMode.disconnect('refresh_requested');
    await slack.socketMode.waitForConnections(connectionsBefore + 1);
    expect(slack.callsTo('apps.connections.open')).toHaveLength(opensBefore + 1);
    const bob = person();
    const { ack } = await draftBySocket(bob);
    expect(ack).toMatchObject({ connection: connectionsBefore + 1, payload: { text: 'Drafting…' } });

    slack.socketMode.drop();
    await slack.socketMode.waitForConnections(connectionsBefore + 2);
    expect(slack.callsTo('apps.connections.open')).toHaveLength(opensBefore + 2);
    expect(slack.socketMode.openCount).toBe(1);
    // An event over the third connection: a DM is acked at once and answered with a card in the DM.
    const carol = person();
    const dm = eventCallback('im', { eventId: 'Ev0SOCKDM0001', text: 'text +15551234567 back online', user: carol.user });
    const eventAck = await slack.socketMode.ackOf(slack.socketMode.deliver('events_api', socketPayload(dm)));
    expect(eventAck.connection).toBe(connectionsBefore + 2);
    const posted = await waitForCall(() => slack.callsTo('chat.postMessage').find((c) => c.body.channel === 'D0ALICE01' && c.body.blocks));
    expect(seeCard(posted.body).text).toContain('back online');
  }, 60_000);
});
