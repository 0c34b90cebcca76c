import { describe, expect, it } from 'vitest';
import { buildCard } from '../../../src/core/card.js';
import type { Draft } from '../../../src/core/draft.js';
import { decodeCallback } from '../../../src/adapters/telegram/callback-data.js';
import { renderCard } from '../../../src/adapters/telegram/render-card.js';
import { visibleTextOfHtml } from '../../fakes/telegram-api.js';

const now = new Date('2026-11-21T10:00:00Z');
const draft = (over: Partial<Draft> = {}): Draft => ({
  version: 1, id: '0b7f4c2e-8f1a-4d3b-9c5e-6a7b8c9d0e1f', status: 'pending', channel: 'email', to: 'ops@example.com', text: 'v2 is live',
  subject: 'Deploy', requester: { platform: 'telegram', userId: '5001', name: '@alice_ops' },
  conversation: { platform: 'telegram', chatId: '5001' }, cardRef: null, idempotencyKey: 'k', createdAt: now,
  expiresAt: new Date(now.getTime() + 15 * 60_000), decidedBy: null, decidedAt: null, dryRun: false,
  relayMessageId: null, failureReason: null, attempts: 0, sendAt: null, timeZone: 'UTC', heldForQuietHours: false, ...over,
});

/** What a person sees, parsed the way Telegram parses HTML (throws where Telegram would refuse). */
const seen = (d: Draft) => {
  const rendered = renderCard(buildCard(d, now));
  return { ...rendered, visible: visibleTextOfHtml(rendered.text), buttons: rendered.reply_markup.inline_keyboard.flat() };
};

describe('Telegram draft card', () => {
  it('shows a pending email draft with its fields and Send, Edit, Cancel buttons naming the draft', () => {
    const card = seen(draft());
    expect(card.parse_mode).toBe('HTML');
    expect(card.visible).toContain('Draft Email to ops@example.com');
    expect(card.visible).toContain('Subject: Deploy');
    expect(card.visible).toContain('v2 is live');
    expect(card.visible).toContain('Requested by @alice_ops · expires 10:15 UTC · v1');
    expect(card.buttons.map((b) => b.text)).toEqual(['Send', 'Edit', 'Cancel']);
    const data = card.buttons.map((b) => ('callback_data' in b ? b.callback_data : ''));
    expect(data.map((d) => decodeCallback(d))).toEqual([
      { action: 'confirm', draftId: draft().id, version: 1 },
      { action: 'edit', draftId: draft().id, version: 1 },
      { action: 'cancel', draftId: draft().id, version: 1 },
    ]);
    for (const d of data) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(64);
  });

  it('shows markup characters a person typed literally, and the HTML still parses', () => {
    const text = '<b>not bold</b> _under_ *star* & <script>x</script> `code` [link](http://x)';
    const card = seen(draft({ text, subject: 'a < b && c > d' }));
    expect(card.visible).toContain(text);
    expect(card.visible).toContain('Subject: a < b && c > d');
    expect(card.text).not.toContain('<b>not bold');
  });

  it('has no buttons once the draft is sent, failed, cancelled or expired', () => {
    for (const over of [
      { status: 'sent' as const },
      { status: 'failed' as const, failureReason: 'The relay refused <bad> number' },
      { status: 'cancelled' as const },
      { expiresAt: new Date(now.getTime() - 1) },
    ]) {
      const card = seen(draft(over));
      expect(card.reply_markup.inline_keyboard).toEqual([]);
    }
    expect(seen(draft({ status: 'failed', failureReason: 'The relay refused <bad> number' })).visible).toContain(
      '❌ Failed: The relay refused <bad> number',
    );
    expect(seen(draft({ status: 'sent' })).visible).toContain('✅ Sent to ops@example.com by Email');
  });

  it('keeps a very long email within Telegram\'s 4096-character message limit', () => {
    const card = seen(draft({ text: '<&>'.repeat(30_000) }));
    expect(card.visible.length).toBeLessThanOrEqual(4096);
    expect(card.visible).toContain('…');
  });

  it('previews what the recipient gets: the contact name beside the address, SMS segments, and the dry-run mark while pending', () => {
    const preview = { recipientName: 'Ops <team>', sms: null, dryRun: true };
    const rendered = renderCard({ ...buildCard(draft(), now), preview });
    const visible = visibleTextOfHtml(rendered.text);
    expect(visible).toContain('To: Ops <team> · ops@example.com');
    expect(visible).toContain('Dry run — nothing will be sent');
    const sms = renderCard({ ...buildCard(draft({ channel: 'sms', to: '+15551234567', subject: null }), now), preview: { recipientName: null, sms: { segments: 1, encoding: 'GSM-7' as const, characters: 10 }, dryRun: false } });
    expect(visibleTextOfHtml(sms.text)).toContain('1 SMS segment · GSM-7 · 10 characters');
    expect(visibleTextOfHtml(sms.text)).not.toContain('Dry run');
  });
});
