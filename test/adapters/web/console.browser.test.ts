/**
 * The web console in a real headless Chromium (Debian's), driven by
 * playwright-core, on a desktop (1280 px) and a phone (390 px): type a request,
 * see the card, press Send (by keyboard too), see the outcome; reload and a
 * second tab keep the conversation and its cards live; the audit view tells
 * the steps and shows the chain verified; axe-core finds no serious problems.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebFixture, type WebFixture } from './web-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
// CI sets REQUIRE_BROWSER so a missing browser fails loudly instead of skipping.
const skip = !hasChromium && !process.env.REQUIRE_BROWSER;
if (skip) console.warn(`console.browser.test: skipped because ${CHROMIUM} is absent (apt-get install -y chromium).`);

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: Browser;
beforeAll(async () => {
  if (skip) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
});

/** Serious and critical axe-core violations on the page as it is now, as "rule: target" lines. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol, so the console's CSP (no inline scripts) stays on for the test.
  await page.evaluate(AXE);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

describe.skipIf(skip).each([
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
])('web console in Chromium, $name ($width px)', ({ width, height }) => {
  let web: WebFixture;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    web = await startWebFixture();
    context = await browser.newContext({ viewport: { width, height } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(web.base);
    await page.getByRole('heading', { name: /Send a message by asking for it/ }).waitFor();
  });

  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await context?.close();
    await web?.close();
  });

  async function ask(text: string, target = page) {
    await target.getByLabel('Your request').fill(text);
    await target.getByRole('button', { name: 'Ask' }).click();
  }
  const lastCard = (target = page) => target.locator('article.card').last();
  /** The sidebar is always there on a desktop; on a phone it opens with the Chats button. */
  async function openSidebar() {
    if (width < 720) await page.getByRole('button', { name: 'Chats' }).click();
  }

  it('drafts and sends by keyboard alone: Enter asks, focus lands on Send, Ctrl+Enter sends; the dry run is marked before Send', async () => {
    await page.getByLabel('Your request').focus();
    await page.keyboard.type('text +15551234567 Build finished successfully.');
    await page.keyboard.press('Enter');
    const card = lastCard();
    await expect.poll(() => card.locator('.card-headline').textContent()).toBe('Draft SMS to +1 555 123 4567');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.textContent)).toBe('Send');
    expect(await card.locator('.field-message dd').textContent()).toBe('Build finished successfully.');
    expect(await card.locator('.card-context').textContent()).toMatch(/Requested by web-user · expires/);
    expect(await card.getByRole('button', { name: 'Send' }).getAttribute('title')).toMatch(/Ctrl\+Enter/);
    // Nothing will leave, and the page says so before anyone approves.
    expect(await card.locator('.dry-run-mark').textContent()).toBe('Dry run — nothing will be sent');
    expect(await page.locator('#dry-run-banner').isVisible()).toBe(true);
    expect(await card.locator('.card-preview').textContent()).toMatch(/28 characters · 1 SMS segment · GSM-7/);

    await page.keyboard.press('Control+Enter');
    await expect.poll(() => card.getAttribute('data-status')).toBe('confirmed');
    expect(await card.getByRole('button', { name: 'Send' }).count()).toBe(0);
    expect(await web.app.drain()).toBe(1);
    await expect.poll(() => card.locator('.card-headline').textContent(), { timeout: 10_000 }).toBe('✅ Sent to +1 555 123 4567 by SMS (dry run)');
    expect(await card.locator('.badge').textContent()).toBe('Sent · dry run');
  });

  it('tells the steps in plain words on one timeline, in UTC, with the chain verified', async () => {
    await lastCard().getByRole('button', { name: 'Audit trail' }).click();
    const steps = page.locator('#audit-timelines .timeline').first().locator('.step');
    await expect.poll(() => steps.count()).toBe(4);
    expect(await steps.evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.action))).toEqual([
      'draft.created', 'draft.confirmed', 'delivery.claimed', 'delivery.sent',
    ]);
    expect(await steps.locator('.says').allTextContents()).toEqual([
      'web-user asked for a draft to +15551234567', 'web-user approved v1', 'Delivery started, attempt 1', 'Dry run recorded — nothing was sent, attempt 1',
    ]);
    expect(await steps.locator('time').first().textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(await page.locator('#audit-status').textContent()).toMatch(/4 entries/);
    const head = (await web.app.stores.audit.verify()) as { ok: true; head: { seq: number } };
    await expect.poll(() => page.locator('#chain-badge').textContent()).toBe(`✔ Chain verified — head #${head.head.seq}`);
    expect(await noSidewaysScroll(page)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    expect((await download).suggestedFilename()).toBe('relaybot-audit.csv');
    await page.getByRole('tab', { name: 'Chat' }).click();
  });

  it('keeps the conversation and a pending card across a reload, and the card can still be sent', async () => {
    await ask('text +15557654321 Reload me');
    await expect.poll(() => lastCard().locator('.card-headline').textContent()).toBe('Draft SMS to +1 555 765 4321');
    await page.reload();
    const card = page.locator('article.card', { hasText: 'Reload me' });
    await expect.poll(() => card.getAttribute('data-status')).toBe('pending');
    expect(await page.locator('.msg-user p').allTextContents()).toEqual(['text +15551234567 Build finished successfully.', 'text +15557654321 Reload me']);
    expect(await page.locator('article.card').first().getAttribute('data-status')).toBe('sent');
    await card.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => card.getAttribute('data-status')).toBe('confirmed');
    await web.app.drain();
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 10_000 }).toBe('sent');
  });

  it('shows a card drafted in one tab in a second tab, and its outcome there', async () => {
    const second = await context.newPage();
    second.on('pageerror', (error) => pageErrors.push(error.message));
    await second.goto(web.base);
    await expect.poll(() => second.locator('article.card').count()).toBe(2);

    await ask('text +15550001111 Two tabs');
    const here = page.locator('article.card', { hasText: 'Two tabs' });
    const there = second.locator('article.card', { hasText: 'Two tabs' });
    await expect.poll(() => there.getAttribute('data-status'), { timeout: 10_000 }).toBe('pending');
    await here.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => here.getAttribute('data-status')).toBe('confirmed');
    await web.app.drain();
    await expect.poll(() => there.locator('.badge').textContent(), { timeout: 10_000 }).toBe('Sent · dry run');
    await second.close();
  });

  it('lists chats in the sidebar; a new chat starts empty, and an example chip drafts at once', async () => {
    await openSidebar();
    await page.getByRole('button', { name: '+ New chat' }).click();
    await expect.poll(() => page.locator('article.card').count()).toBe(0);
    await page.getByRole('button', { name: 'email ops@example.com subject Deploy done: v2 is live' }).click();
    const card = lastCard();
    await expect.poll(() => card.locator('.card-headline').textContent()).toBe('Draft Email to ops@example.com');
    expect(await card.locator('.field-subject dd').textContent()).toBe('Deploy done');

    await openSidebar();
    const links = page.locator('#chat-list .chat-link');
    await expect.poll(() => links.allTextContents()).toEqual(['email ops@example.com subject Deploy done: v2 is live', 'text +15551234567 Build finished successfully.']);
    await links.nth(1).click();
    await expect.poll(() => page.locator('article.card').count()).toBe(3);
    expect(await noSidewaysScroll(page)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('asks one question per missing piece and keeps every answer: "text dave" → "running late" → "+15551112222"', async () => {
    await openSidebar();
    await page.getByRole('button', { name: '+ New chat' }).click();
    await ask('text dave');
    await expect.poll(() => page.locator('.msg-assistant > p').last().textContent()).toMatch(/^Who is dave\?.*what should the message say\?$/);
    await ask('running late');
    await expect.poll(() => page.locator('.msg-assistant > p').last().textContent()).toMatch(/^Who is dave\?/);
    expect(await page.locator('.msg-assistant > p').last().textContent()).not.toMatch(/what should/i);
    await ask('+15551112222');
    const card = lastCard();
    await expect.poll(() => card.locator('.card-headline').textContent()).toBe('Draft SMS to +1 555 111 2222');
    expect(await card.locator('.field-message dd').textContent()).toBe('running late');
  });

  it('E opens the edit form with Save in view; a refusal shows inline, a good edit saves, Esc cancels', async () => {
    await ask('text +15551234567 Deploy <b>finished</b>');
    const card = lastCard();
    await expect.poll(() => card.locator('.card-headline').textContent()).toBe('Draft SMS to +1 555 123 4567');
    // Markup in a message is shown as typed, never interpreted.
    expect(await card.locator('.field-message dd').textContent()).toBe('Deploy <b>finished</b>');
    expect(await card.locator('.field-message dd b').count()).toBe(0);

    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.textContent)).toBe('Send');
    await page.keyboard.press('e');
    const save = card.getByRole('button', { name: 'Save changes' });
    await save.waitFor();
    // Save is on screen and not under the composer.
    const [saveBox, composerBox] = await Promise.all([save.boundingBox(), page.locator('#composer').boundingBox()]);
    expect(saveBox!.y + saveBox!.height).toBeLessThanOrEqual(composerBox!.y);
    expect(saveBox!.y).toBeGreaterThanOrEqual(0);

    await card.getByLabel('To', { exact: true }).fill('12');
    await save.click();
    await expect.poll(() => card.locator('.form-error').textContent()).toMatch(/"12" is not a valid phone number/);
    await card.getByLabel('To', { exact: true }).fill('+15557654321');
    await card.getByLabel('Message').fill('Deploy finished.');
    await save.click();
    await expect.poll(() => card.locator('.card-headline').textContent()).toBe('Draft SMS to +1 555 765 4321');
    expect(await card.locator('.field-message dd').textContent()).toBe('Deploy finished.');

    await card.getByRole('button', { name: 'Send' }).focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => card.locator('.card-headline').textContent()).toBe('Cancelled — nothing was sent');
    expect(await card.getByRole('button').filter({ hasText: /^(Send|Edit|Cancel)$/ }).count()).toBe(0);
  });

  it('schedules from the edit form: Send at sets the time (a new version), the card says when, and Send leaves it Scheduled', async () => {
    await ask('text +15551234567 Standup moved');
    const card = lastCard();
    await expect.poll(() => card.locator('.card-context').textContent()).toMatch(/· v1/);
    const id = await card.getAttribute('data-draft-id');
    await card.getByRole('button', { name: 'Edit' }).click();
    // Two days ahead at 09:30 in the browser's zone, as the field reads it.
    const local = await page.evaluate(() => {
      const at = new Date(Date.now() + 2 * 86_400_000);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T09:30`;
    });
    await card.getByLabel(/^Send at/).fill(local);
    await card.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => card.locator('.card-context').textContent()).toMatch(/· v2/);
    const expected = await page.evaluate((value) => new Date(value).toISOString(), local);
    expect((await web.bot.getDraft(id!))!.sendAt?.toISOString()).toBe(expected);
    expect(await card.locator('.card-fields').textContent()).toMatch(/Sends/);

    await card.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => card.getAttribute('data-status')).toBe('scheduled');
    expect(await card.locator('.badge').textContent()).toBe('Scheduled');
  });

  it('sends the version it shows: after an edit elsewhere, Send is refused with the sentence and the card shows the new version', async () => {
    await ask('text +15551234567 Lunch at noon');
    const card = lastCard();
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
