/** Shared builders for the storage adapter tests. */
import { randomUUID } from 'node:crypto';
import type { AuditEventInput, NewDraft } from '../../../src/core/ports.js';
import type { Actor } from '../../../src/core/send-request.js';

export const MINUTE = 60_000;

/** A person nobody else in the test file uses, so tests sharing a database stay apart. */
export function freshActor(name = 'Ada'): Actor {
  return { platform: 'slack', userId: `U${randomUUID().slice(0, 8)}`, name };
}

export function newDraft(requester: Actor, overrides: Partial<NewDraft> = {}): NewDraft {
  return {
    channel: 'sms',
    to: '+15551234567',
    text: 'Build finished successfully.',
    subject: null,
    requester,
    conversation: { platform: 'slack', chatId: 'C1', workspaceId: 'T1' },
    ttlMs: 15 * MINUTE,
    ...overrides,
  };
}

export const event = (action: string, actor: Actor | null = null, details?: Record<string, unknown>): AuditEventInput => ({ actor, action, details });

/** The driver's message plus its cause (drizzle wraps database errors in "Failed query: …"). */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.join(' | ');
}
