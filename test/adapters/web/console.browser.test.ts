/**
 * The web console in a real headless Chromium (Debian's), driven by
 * playwright-core: type a request, see the card, press Send, see the outcome,
 * and find the steps in the audit table.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebFixture, type WebFixture } from './web-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
// CI sets REQUIRE_BROWSER so a missing browser fails loudly instead of skipping.
const skip = !hasChromium && !process.env.REQUIRE_BROWSER;
if (skip) console.warn(`console.browser.test: skipped because ${CHROMIUM} is absent (apt-get install -y chromium).`);

describe.skipIf(skip)('web console in Chromium', () => {
  let web: WebFixture;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    web = await startWebFixture();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(web.base);
    await page.getByRole('heading', { name: /Send a message by asking for it/ }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  async function ask(text: string) {
    await page.getByLabel('Your request').fill(text);
    await page.getByRole('button', { name: 'Ask' }).click();
  }

  it('drafts from typed words, sends on Send, and shows the dry-run outcome on the card', async () => {
    await ask('text +15551234567 Build finished successfully.');
    const card = page.locator('article.card').last();
    await expect.poll(() => card.locator('.card-headline').textContent()).toBe('Draft SMS to +1 555 123 4567');
    expect(await card.locator('.field-message dd').textContent()).toBe('Build finished successfully.');
    expect(await card.locator('.card-context').textContent()).toMatch(/Requested by web-user · expires/);
    expect(await page.locator('.msg-assistant > p').last().textContent()).toMatch(/draft/i);

    await card.getByRole('button', { name: 'Send' }).click();
    // Delivery is asynchronous: once the confirm is in, deliver, and the card's polling shows the result.
    await expect.poll(() => card.getAttribute('data-status')).toBe('confirmed');
    expect(await card.getByRole('button', { name: 'Send' }).count()).toBe(0);
    expect(await web.app.drain()).toBe(1);
    await expect.poll(() => card.locator('.card-headline').textContent(), { timeout: 10_000 }).toBe(
      '✅ Sent to +1 555 123 4567 by SMS (dry run)',
    );
    expect(await card.locator('.badge').textContent()).toBe('Sent · dry run');
  });

  it('shows the steps in the audit table', async () => {
    await page.locator('article.card').last().getByRole('button', { name: 'Audit trail' }).click();
    const rows = page.locator('#audit-rows tr');
    await expect.poll(() => rows.count()).toBe(4);
    const actions = await page.locator('#audit-rows tr td:nth-child(4)').allTextContents();
    expect(actions).toEqual(['delivery.sent', 'delivery.claimed', 'draft.confirmed', 'draft.created']);
    expect(await page.locator('#audit-status').textContent()).toMatch(/4 entries/);
    await page.getByRole('tab', { name: 'Chat' }).click();
  });

  it('shows an edit refusal inline, saves a good edit, and cancels', async () => {
    await ask('text +15551234567 Deploy <b>finished</b>');
    const card = page.locator('article.card').last();
    await expect.poll(() => card.locator('.card-headline').textContent()).toBe('Draft SMS to +1 555 123 4567');
    // Markup in a message is shown as typed, never interpreted.
    expect(await card.locator('.field-message dd').textContent()).toBe('Deploy <b>finished</b>');
    expect(await card.locator('.field-message dd b').count()).toBe(0);

    await card.getByRole('button', { name: 'Edit' }).click();
    await card.getByLabel('To', { exact: true }).fill('12');
    await card.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => card.locator('.form-error').textContent()).toMatch(/"12" is not a valid phone number/);

    await card.getByLabel('To', { exact: true }).fill('+15557654321');
    await card.getByLabel('Message').fill('Deploy finished.');
    await card.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => card.locator('.card-headline').textContent()).toBe('Draft SMS to +1 555 765 4321');
    expect(await card.locator('.field-message dd').textContent()).toBe('Deploy finished.');

    await card.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => card.locator('.card-headline').textContent()).toBe('Cancelled — nothing was sent');
    expect(await card.getByRole('button').filter({ hasText: /^(Send|Edit|Cancel)$/ }).count()).toBe(0);
  });

  it('sends the version it shows: after an edit elsewhere, Send is refused with the sentence and the card shows the new version', async () => {
    await ask('text +15551234567 Lunch at noon');
    const card = page.locator('article.card').last();
    await expect.poll(() => card.locator('.card-context').textContent()).toMatch(/· v1/);
    const id = await card.getAttribute('data-draft-id');
    // The same person changes it from another window (the API).
    const edited = await fetch(`${web.base}/api/drafts/${id}`, {
      method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'web-user', version: 1, text: 'Lunch at one' }),
    });
    expect(edited.status).toBe(200);

    await card.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => card.locator('.card-error').textContent()).toMatch(/The draft changed since you saw it — check the new version/);
    expect(await card.locator('.field-message dd').textContent()).toBe('Lunch at one');
    expect(await card.locator('.card-context').textContent()).toMatch(/· v2/);
    expect((await web.bot.getDraft(id!))!.status).toBe('pending');

    await card.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => card.getAttribute('data-status')).toBe('confirmed');
  });
});
