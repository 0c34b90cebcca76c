import { describe, expect, it } from 'vitest';
import { parseSubcommand } from '../../../src/adapters/slack/subcommands.js';
import { renderContacts, renderHistory } from '../../../src/adapters/slack/render-replies.js';
import { makeDraft } from './draft-factory.js';

describe('parseSubcommand', () => {
  it('recognises help, history and contacts, and leaves messages to the agent', () => {
    expect(parseSubcommand('')).toEqual({ kind: 'help' });
    expect(parseSubcommand('help')).toEqual({ kind: 'help' });
    expect(parseSubcommand('History')).toEqual({ kind: 'history' });
    expect(parseSubcommand('contacts')).toEqual({ kind: 'contacts' });
    expect(parseSubcommand('contacts list')).toEqual({ kind: 'contacts' });
    expect(parseSubcommand('text +15551234567 history of the deploy')).toBeNull();
    expect(parseSubcommand('help me text mom')).toBeNull();
  });

  it('reads contacts add NAME CHANNEL ADDRESS, names with spaces and numbers with spaces included', () => {
    expect(parseSubcommand('contacts add Alice sms +15551234567')).toEqual({ kind: 'contacts-add', name: 'Alice', channel: 'sms', address: '+15551234567' });
    expect(parseSubcommand('contacts add Ops team whatsapp +1 555 123 4567')).toEqual({
      kind: 'contacts-add', name: 'Ops team', channel: 'whatsapp', address: '+1 555 123 4567',
    });
    expect(parseSubcommand('contacts add Alice')).toEqual({ kind: 'contacts-usage' });
    expect(parseSubcommand('contacts remove Ops team')).toEqual({ kind: 'contacts-remove', name: 'Ops team' });
  });
});

describe('replies', () => {
  const now = new Date('2025-03-01T13:00:00Z');

  it('history lists each message with its outcome, people\'s words escaped', () => {
    const { text, blocks } = renderHistory([
      makeDraft({ status: 'sent', text: 'deploy <!channel> *now* done' }),
      makeDraft({ status: 'failed', failureReason: 'The relay refused: Unknown channel' }),
      makeDraft({ status: 'pending' }),
    ], now);
    expect(text).toContain('*Your last 3 messages*');
    expect(text).toContain('✅ sent');
    expect(text).toContain('❌ failed: The relay refused: Unknown channel');
    expect(text).toContain('⌛ expired'); // pending but past its expiry
    expect(text).toContain('deploy &lt;!channel&gt; *now* done');
    expect(text).not.toContain('<!channel>');
    // What Slack shows is rich_text: the words exactly as written, never formatting.
    expect(JSON.stringify(blocks)).toContain('deploy <!channel> *now* done');
    expect(blocks?.[0]?.type).toBe('rich_text');
  });

  it('says so when there is nothing yet', () => {
    expect(renderHistory([], now).text).toMatch(/not asked me to send anything/);
    expect(renderContacts([]).text).toMatch(/contact book is empty/);
  });

  it('lists contacts with channel and readable address', () => {
    const { text, blocks } = renderContacts([{ scope: 'slack:T1', name: 'Alice', channel: 'sms', address: '+15551234567', createdAt: now }]);
    expect(text).toContain('*Alice* — SMS +1 555 123 4567');
    expect(blocks?.[0]).toMatchObject({ type: 'rich_text' });
    expect(JSON.stringify(blocks)).toContain('{"type":"text","text":"Alice","style":{"bold":true}}');
  });
});
