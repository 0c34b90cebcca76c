/**
 * An agent's card in a Telegram chat: the real server process with grammY
 * (webhook mode) against the fake Bot API. The card is posted with
 * sendMessage, names the agent and its reason; a listed approver presses Send
 * in the chat and the card shows the outcome.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTelegramApi, type FakeTelegramApi } from '../../fakes/telegram-api.js';
import { killAllChildren, startServer, type ChildServer } from '../../reliability/child-server.js';
import { until } from '../../reliability/support.js';
import { GROUP_ID, newPerson, press } from '../telegram/updates.js';
import { AGENT_TOKENS, CI_TOKEN, connectAgent, policyFile } from './agent-support.js';

const SECRET = 'telegram-webhook-secret';

describe('agents\' cards in a Telegram chat', () => {
  let tg: FakeTelegramApi;
  let server: ChildServer;
  let ci: Client;
  const approver = newPerson('Lead');
  const stranger = newPerson('Stranger');

  beforeAll(async () => {
    tg = await startFakeTelegramApi();
    server = await startServer({
      RELAYBOT_DATA_DIR: 'memory://',
      AGENT_TOKENS,
      POLICY_FILE: policyFile({ agents: { approvers: [`telegram:${approver.id}`], notify: [`telegram:${GROUP_ID}`] } }),
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_ALLOWED_USERS: `${approver.id},${stranger.id}`,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    });
    ci = await connectAgent(server.url, CI_TOKEN);
  });
  afterAll(async () => {
    await ci?.close();
    await killAllChildren();
    await tg?.close();
  });

  const deliver = async (update: object) => {
    const res = await fetch(`${server.url}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
    expect(res.status).toBe(200);
  };

  it('posts the card to the chat, and only a listed approver\'s Send sends it', async () => {
    const asked = (await ci.callTool({ name: 'request_send', arguments: { channel: 'email', to: 'ops@example.com', subject: 'Disk', text: 'Disk 91% full.', reason: 'monitoring alert' } })) as any;
    expect(asked.isError).toBeFalsy();
    const card = await until(() => tg.messagesIn(GROUP_ID).find((m) => m.text.includes('Disk 91% full.')), 'the card in the group');
    expect(card.text).toContain('Requested by agent ci');
    expect(card.text).toContain('monitoring alert');

    await deliver(press(stranger, card, 'Send'));
    expect((await ci.callTool({ name: 'get_send_status', arguments: { draftId: asked.structuredContent.draftId } }) as any).structuredContent.status).toBe('pending');

    await deliver(press(approver, card, 'Send'));
    await until(async () => ((await ci.callTool({ name: 'get_send_status', arguments: { draftId: asked.structuredContent.draftId } })) as any).structuredContent.status === 'sent', 'sent');
    await until(() => tg.message(card.chatId, card.messageId)?.text.includes('Sent to ops@example.com'), 'the card showing the outcome');
    expect(tg.message(card.chatId, card.messageId)!.buttons).toEqual([]);
    const status = ((await ci.callTool({ name: 'get_send_status', arguments: { draftId: asked.structuredContent.draftId } })) as any).structuredContent;
    expect(status.decidedBy).toBe(`telegram:${approver.id}`);
  });
});
