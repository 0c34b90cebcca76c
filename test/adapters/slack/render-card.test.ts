import { describe, expect, it } from 'vitest';
import { buildCard } from '../../../src/core/card.js';
import { renderCardBlocks, renderCardMessage } from '../../../src/adapters/slack/render-card.js';
import { makeDraft } from './draft-factory.js';

const now = new Date('2025-03-01T12:05:00Z');
const buttonsOf = (blocks: any[]) => blocks.find((b) => b.type === 'actions')?.elements ?? [];
const allText = (blocks: unknown) => JSON.stringify(blocks);

describe('renderCardBlocks', () => {
  it('shows a pending draft with Send (primary), Edit and Cancel (danger), each carrying the draft id and version', () => {
    const blocks = renderCardBlocks(buildCard(makeDraft({ version: 2 }), now));
    expect(buttonsOf(blocks)).toEqual([
      expect.objectContaining({ action_id: 'draft_confirm', value: 'd_01HZX4:2', style: 'primary', text: expect.objectContaining({ text: 'Send' }) }),
      expect.objectContaining({ action_id: 'draft_edit', value: 'd_01HZX4:2', text: expect.objectContaining({ text: 'Edit' }) }),
      expect.objectContaining({ action_id: 'draft_cancel', value: 'd_01HZX4:2', style: 'danger', text: expect.objectContaining({ text: 'Cancel' }) }),
    ]);
    expect(buttonsOf(blocks)[1]).not.toHaveProperty('style');
    const text = allText(blocks);
    expect(text).toContain('Draft SMS to +1 555 123 4567');
    expect(text).toContain('Build finished successfully.');
    expect(text).toContain('Requested by alice');
    expect(text).toContain('expires 12:15 UTC · v2');
  });

  it('shows the subject of an email', () => {
    const blocks = renderCardBlocks(buildCard(makeDraft({ channel: 'email', to: 'ops@example.com', subject: 'Deploy' }), now));
    const fields = (blocks.find((b) => b.block_id === 'draft_fields') as any).elements[0].elements;
    expect(fields).toEqual(expect.arrayContaining([{ type: 'text', text: '\nSubject: ', style: { bold: true } }, { type: 'text', text: 'Deploy' }]));
    expect(fields).toContainEqual({ type: 'text', text: 'ops@example.com' });
  });

  it('drops the buttons once sent, failed, cancelled or expired, and says what happened', () => {
    const sent = renderCardBlocks(buildCard(makeDraft({ status: 'sent', decidedBy: { platform: 'slack', userId: 'U0ALICE01', name: 'alice' } }), now));
    expect(buttonsOf(sent)).toEqual([]);
    expect(allText(sent)).toContain('✅ Sent to +1 555 123 4567 by SMS');

    const failed = renderCardBlocks(buildCard(makeDraft({ status: 'failed', failureReason: 'Unknown channel <x>' }), now));
    expect(buttonsOf(failed)).toEqual([]);
    expect(allText(failed)).toContain('❌ Failed: Unknown channel <x>');

    const cancelled = renderCardBlocks(buildCard(makeDraft({ status: 'cancelled' }), now));
    expect(allText(cancelled)).toContain('Cancelled');
    expect(buttonsOf(cancelled)).toEqual([]);

    const lapsed = renderCardBlocks(buildCard(makeDraft(), new Date('2025-03-01T12:16:00Z')));
    expect(allText(lapsed)).toContain('Expired');
    expect(buttonsOf(lapsed)).toEqual([]);
  });

  it('shows "Sending…" while the relay works', () => {
    expect(allText(renderCardBlocks(buildCard(makeDraft({ status: 'sending' }), now)))).toContain('Sending…');
  });

  it('shows people\'s words literally: no mentions, no markup injected', () => {
    const text = 'hey <!channel> & <@U999> look at <https://evil.example|this> @here *now*';
    const draft = makeDraft({ text, channel: 'email', to: 'ops@example.com', subject: '<!here> & co' });
    const blocks = renderCardBlocks(buildCard(draft, now));
    // The message body is a rich_text element: Slack shows its text as is, never as a broadcast.
    const body = blocks.find((b) => b.block_id === 'draft_message') as any;
    expect(body.elements[0].elements[0]).toEqual({ type: 'text', text });
    // Nothing else is mrkdwn either: the subject is shown as typed, in rich_text.
    const mrkdwn = JSON.stringify(blocks.filter((b) => b.type !== 'rich_text'));
    expect(mrkdwn).not.toMatch(/<!(channel|here)>/);
    expect(mrkdwn).not.toContain('"mrkdwn"');
    expect((blocks.find((b) => b.block_id === 'draft_fields') as any).elements[0].elements).toContainEqual({ type: 'text', text: '<!here> & co' });
  });

  it('never lets user text become formatting: recipient, subject, failure reason and names are literal', () => {
    const tricky = ['*bold*', '<!channel>', '<@U123>', '_x_', '~x~', '`code`', '```block```', '&lt;'].join(' ');
    const draft = makeDraft({
      channel: 'email', to: 'a_b_c*d*@example.com', subject: tricky, text: tricky,
      requester: { platform: 'web', userId: '*boss* _x_ :fire:' },
    });
    const blocks = renderCardBlocks(buildCard(draft, now)) as any[];
    // No mrkdwn object anywhere on the card: Slack has no escape for * _ ~ `, so user text never goes in one.
    expect(JSON.stringify(blocks)).not.toContain('"mrkdwn"');
    const texts = (id: string) => blocks.find((b) => b.block_id === id).elements[0].elements.map((e: any) => e.text).join('');
    expect(texts('draft_headline')).toBe('Draft Email to a_b_c*d*@example.com');
    expect(texts('draft_fields')).toBe(`Channel: Email\nTo: a_b_c*d*@example.com\nSubject: ${tricky}`);
    expect(texts('draft_message')).toBe(tricky);
    // Only our labels are styled; every value is a plain text element.
    const styled = blocks.flatMap((b) => (b.type === 'rich_text' ? b.elements[0].elements : [])).filter((e: any) => e.style);
    expect(styled.map((e: any) => e.text)).toEqual(['Draft Email to a_b_c*d*@example.com', 'Channel: ', '\nTo: ', '\nSubject: ']);
    const context = blocks.find((b) => b.block_id === 'draft_context').elements[0];
    expect(context).toMatchObject({ type: 'plain_text', emoji: false });
    expect(context.text).toContain('Requested by *boss* _x_ :fire:');
  });

  it('shows a long email body in part and says how much is hidden', () => {
    const blocks = renderCardBlocks(buildCard(makeDraft({ channel: 'email', to: 'a@example.com', text: 'x'.repeat(5000) }), now));
    const shown = (blocks.find((b) => b.block_id === 'draft_message') as any).elements[0].elements[0].text as string;
    expect(shown.length).toBeLessThan(3000);
    expect(shown).toMatch(/… \(2100 more characters\)$/);
  });

  it('gives the message an escaped fallback text for notifications', () => {
    const message = renderCardMessage(buildCard(makeDraft({ status: 'failed', failureReason: 'a < b' }), now));
    expect(message.text).toBe('❌ Failed: a &lt; b');
  });

  it('previews what the recipient gets: the contact name beside the number, SMS segments, and the dry-run mark while pending', () => {
    const preview = { recipientName: 'Bob', sms: { segments: 2, encoding: 'UCS-2' as const, characters: 80 }, dryRun: true };
    const pending = renderCardBlocks({ ...buildCard(makeDraft(), now), preview });
    const fields = (pending.find((b) => b.block_id === 'draft_fields') as any).elements[0].elements;
    expect(fields).toContainEqual({ type: 'text', text: 'Bob · +1 555 123 4567' });
    const notes = (pending.find((b) => b.block_id === 'draft_preview') as any).elements.map((e: any) => e.text);
    expect(notes).toEqual(['2 SMS segments · UCS-2 · 80 characters', 'Dry run — nothing will be sent']);
    // Once decided, the dry-run warning has done its job; the outcome headline says "(dry run)".
    const sent = renderCardBlocks({ ...buildCard(makeDraft({ status: 'sent', dryRun: true }), now), preview });
    expect(allText(sent)).not.toContain('nothing will be sent');
    expect(renderCardBlocks(buildCard(makeDraft(), now)).find((b) => b.block_id === 'draft_preview')).toBeUndefined();
  });
});
