import { describe, expect, it } from 'vitest';
import { buildCard } from '../../src/core/card.js';
import { canTransition, type Draft } from '../../src/core/draft.js';

const now = new Date('2026-11-21T10:00:00Z');
const draft = (over: Partial<Draft> = {}): Draft => ({
  version: 1, id: 'd1', status: 'pending', channel: 'sms', to: '+15551234567', text: 'Build finished', subject: null,
  requester: { platform: 'web', userId: 'alice', name: 'Alice' }, conversation: { platform: 'web', chatId: 'c1' },
  cardRef: null, idempotencyKey: 'relaybot-d1', createdAt: now, expiresAt: new Date(now.getTime() + 15 * 60_000),
  decidedBy: null, decidedAt: null, dryRun: false, relayMessageId: null, failureReason: null, attempts: 0, sendAt: null, timeZone: 'UTC', heldForQuietHours: false, ...over,
});

describe('draft card', () => {
  it('shows a pending draft with Send, Edit, Cancel and its expiry', () => {
    const card = buildCard(draft(), now);
    expect(card.buttons.map((b) => b.label)).toEqual(['Send', 'Edit', 'Cancel']);
    expect(card.headline).toBe('Draft SMS to +1 555 123 4567');
    expect(card.fields).toContainEqual({ label: 'Message', value: 'Build finished' });
    expect(card.context).toBe('Requested by Alice · expires 10:15 UTC · v1');
  });

  it('says sent, dry run, failed, cancelled — with no buttons', () => {
    const sent = buildCard(draft({ status: 'sent', dryRun: true, decidedBy: { platform: 'web', userId: 'alice' } }), now);
    expect(sent.headline).toBe('✅ Sent to +1 555 123 4567 by SMS (dry run)');
    expect(sent.buttons).toEqual([]);
    expect(buildCard(draft({ status: 'failed', failureReason: 'The relay refused the message: bad number (HTTP 400)' }), now).headline).toBe(
      '❌ Failed: The relay refused the message: bad number (HTTP 400)',
    );
    expect(buildCard(draft({ status: 'cancelled' }), now).headline).toMatch(/^Cancelled/);
  });

  it('shows a pending draft past its expiry as expired, without buttons', () => {
    const card = buildCard(draft({ expiresAt: new Date(now.getTime() - 1) }), now);
    expect(card.status).toBe('expired');
    expect(card.headline).toMatch(/Expired/);
    expect(card.buttons).toEqual([]);
  });

  it('shows the subject for email', () => {
    const card = buildCard(draft({ channel: 'email', to: 'ops@example.com', subject: 'Deploy' }), now);
    expect(card.fields.map((f) => f.label)).toEqual(['Channel', 'To', 'Subject', 'Message']);
  });
});

describe('draft life cycle', () => {
  it('allows only the documented transitions', () => {
    expect(canTransition('pending', 'confirmed')).toBe(true);
    expect(canTransition('pending', 'sent')).toBe(false);
    expect(canTransition('sent', 'failed')).toBe(false);
    expect(canTransition('cancelled', 'confirmed')).toBe(false);
    expect(canTransition('sending', 'sent')).toBe(true);
  });
});
