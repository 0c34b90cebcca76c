import { describe, expect, it } from 'vitest';
import { describeAuditEntry } from '../../src/core/audit-story.js';
import { csvField } from '../../src/adapters/web/audit-csv.js';

const alice = { platform: 'web' as const, userId: 'u1', name: 'Alice' };

describe('audit entries in plain words', () => {
  it.each([
    [{ actor: alice, action: 'draft.created', details: { request: { channel: 'sms', to: '+15551234567' } } }, 'Alice asked for a draft to +15551234567'],
    [{ actor: alice, action: 'draft.edited', details: { version: { from: 1, to: 2 } } }, 'Alice edited the draft (v1 → v2)'],
    [{ actor: alice, action: 'draft.confirmed', details: { version: 2 } }, 'Alice approved v2'],
    [{ actor: alice, action: 'draft.cancelled', details: { version: 1 } }, 'Alice cancelled v1'],
    [{ actor: null, action: 'draft.cancelled', details: { reason: 'card_not_shown' } }, 'relaybot withdrew the draft (card not shown)'],
    [{ actor: null, action: 'draft.expired', details: {} }, 'The draft expired unapproved'],
    [{ actor: null, action: 'delivery.sent', details: { attempt: 2, dryRun: false } }, 'Relay accepted, attempt 2'],
    [{ actor: null, action: 'delivery.retry', details: { attempt: 1 } }, 'Relay did not answer in time or refused for now, attempt 1; trying again'],
    [{ actor: null, action: 'delivery.failed', details: { attempt: 3, error: 'The relay refused the number.' } }, 'Delivery failed, attempt 3: The relay refused the number.'],
    [{ actor: { platform: 'slack' as const, userId: 'U9' }, action: 'decision.refused', details: { attempted: 'confirm', reason: 'Only the requester may decide.' } }, 'U9 was refused (confirm): Only the requester may decide.'],
    [{ actor: null, action: 'something.new', details: {} }, 'relaybot: something.new'],
  ])('%j → %s', (entry, says) => {
    expect(describeAuditEntry(entry)).toBe(says);
  });
});

describe('CSV fields', () => {
  it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"\nthere')).toBe('"say ""hi""\nthere"');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+15551234567')).toBe("'+15551234567");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-2,3')).toBe(`"'-2,3"`);
    expect(csvField('\t=cmd')).toBe("'\t=cmd");
  });
});
