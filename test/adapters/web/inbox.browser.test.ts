/**
 * The console's pending approvals inbox in headless Chromium: an agent's
 * request shows up for a listed web approver (naming the agent and its
 * reason), survives a reload because it is server data, and Send there
 * approves exactly the version shown. Also the API behind it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxRoutes } from '../../../src/adapters/web/inbox-route.js';
import { startWebFixture, type WebFixture } from './web-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const skipBrowser = !existsSync(CHROMIUM) && !process.env.REQUIRE_BROWSER;
const agent = { platform: 'agent' as const, userId: 'ci' };

describe('pending approvals inbox', () => {
  let web: WebFixture;
  let base: string;

  beforeAll(async () => {
    web = await startWebFixture({ policy: { agents: { approvers: ['web:alice'], notify: ['web'] } } });
    base = await web.serve({ apiRoutes: inboxRoutes({ inbox: web.app.inbox, clock: web.app.clock }) });
  });
  afterAll(() => web?.close());

  const ask = (text: string, reason: string) =>
    web.app.agentRequests.request({ agent, request: { channel: 'sms', to: '+15551234567', text, subject: null }, reason });
  const inbox = async (userId: string) => (await fetch(`${base}/api/inbox?userId=${userId}`)).json() as Promise<{ awaitingYou: any[]; yours: any[] }>;

  it('lists agents\' requests for their approvers only, and people\'s own pending drafts for them', async () => {
    const draft = await ask('Inbox API check.', 'api test');
    expect((await inbox('alice')).awaitingYou.map((d) => d.id)).toContain(draft.id);
    expect((await inbox('bob')).awaitingYou).toEqual([]);
    const own = await web.bot.handleMessage({ actor: { platform: 'web', userId: 'bob' }, conversation: { platform: 'web', chatId: 'bob-chat' }, text: 'text +15551234567 mine' });
    expect((await inbox('bob')).yours.map((d) => d.id)).toEqual([own.draft!.id]);
    const res = await fetch(`${base}/api/inbox`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: expect.stringMatching(/^userId: required/) });
    await web.app.agentRequests.cancel(agent, draft.id);
  });

  describe.skipIf(skipBrowser)('in Chromium', () => {
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
      page = await browser.newPage();
      await page.goto(base);
      await page.evaluate(() => localStorage.setItem('relaybot.userId', 'alice'));
    });
    afterAll(() => browser?.close());

    it('shows the agent\'s request with its reason, keeps it across a reload, and sends the version shown', async () => {
      const draft = await ask('Nightly backup done.', 'backup job finished');
      await page.reload();
      await page.locator('#inbox > summary').click();
      const card = page.locator(`#inbox article.card[data-draft-id="${draft.id}"]`);
      await expect.poll(() => card.locator('.card-headline').textContent()).toBe('Draft SMS to +1 555 123 4567');
      expect(await card.textContent()).toContain('backup job finished');
      expect(await card.locator('.card-context').textContent()).toMatch(/Requested by agent ci/);
      expect(await page.locator('.inbox-count').textContent()).toBe('1');

      await card.getByRole('button', { name: 'Send' }).click();
      await expect.poll(() => card.getAttribute('data-status')).toBe('confirmed');
      const decided = await web.bot.getDraft(draft.id);
      expect(decided).toMatchObject({ status: 'confirmed', decidedBy: { platform: 'web', userId: 'alice' } });

      await page.reload();
      await page.locator('#inbox > summary').click();
      await expect.poll(() => page.locator('.inbox-count').textContent()).toBe('0');
      expect(await page.locator(`#inbox article.card[data-draft-id="${draft.id}"]`).count()).toBe(0);
    });
  });
});
