import type { Draft } from '../../../src/core/draft.js';

/** A stored draft as the DraftStore returns it, for the renderers' unit tests. */
export function makeDraft(overrides: Partial<Draft> = {}): Draft {
  return {
    id: 'd_01HZX4',
    version: 1,
    status: 'pending',
    channel: 'sms',
    to: '+15551234567',
    text: 'Build finished successfully.',
    subject: null,
    requester: { platform: 'slack', userId: 'U0ALICE01', name: 'alice' },
    conversation: { platform: 'slack', chatId: 'C0DEPLOY1', workspaceId: 'T0RELAY01' },
    cardRef: null,
    idempotencyKey: 'relaybot-d_01HZX4',
    createdAt: new Date('2025-03-01T12:00:00Z'),
    expiresAt: new Date('2025-03-01T12:15:00Z'),
    decidedBy: null,
    decidedAt: null,
    dryRun: false,
    relayMessageId: null,
    failureReason: null,
    attempts: 0,
    sendAt: null,
    timeZone: 'UTC',
    heldForQuietHours: false,
    ...overrides,
  };
}
