/**
 * A draft whose card Telegram would not take (429s beyond auto-retry's budget)
 * must not stay pending where nobody can see or decide it.
 */
import { describe, expect, it } from 'vitest';
import { useTelegramTestBed } from './test-bed.js';
import { privateText } from './updates.js';

const bed = useTelegramTestBed();
const TEXT = 'text +15551234567 the secret launch code is 4242';

describe('a draft card Telegram refuses to show', () => {
  it('is withdrawn and audited, and the requester is told once Telegram lets us talk again', async () => {
    const alice = bed.member();
    // The first post and all three of auto-retry's retries are refused; then Telegram is reachable again.
    for (let i = 0; i < 4; i++) {
      bed.tg.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    }
    await bed.handle(privateText(alice, TEXT));

    const [draft] = await bed.app.stores.drafts.listByRequester(bed.actorOf(alice), 1);
    expect(draft?.status).toBe('cancelled');
    expect(draft?.decidedBy).toBeNull();
    const audit = await bed.app.stores.audit.list({ draftId: draft!.id });
    expect(audit.map((e) => e.action)).toContain('draft.cancelled');
    expect(audit.find((e) => e.action === 'draft.cancelled')?.details).toMatchObject({ reason: 'card_not_shown' });
    expect(bed.tg.messagesIn(alice.id)).toEqual([]);

    await expect.poll(() => bed.tg.messagesIn(alice.id).at(-1)?.text, { timeout: 10_000 }).toContain('I cancelled that draft; nothing was sent');
    expect(bed.tg.messagesIn(alice.id).at(-1)?.buttons).toEqual([]);

    const logs = bed.takeLogs();
    expect(logs.map((l) => l.msg)).toEqual(['could not post a draft card; the draft is withdrawn']);
    expect(JSON.stringify(logs)).not.toContain('4242');
    expect(JSON.stringify(logs)).not.toContain('+15551234567');
  });
});
