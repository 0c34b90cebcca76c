import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import {
  fieldForError,
  parseEditSubmission,
  readEditModalTarget,
  renderEditModal,
} from '../../../src/adapters/slack/render-edit-modal.js';
import fixture from '../../fixtures/slack/view-submission.json' with { type: 'json' };
import { makeDraft } from './draft-factory.js';

describe('renderEditModal', () => {
  it('starts from the draft: channel selected, recipient, subject and text filled in', () => {
    const view = renderEditModal(makeDraft({ channel: 'email', to: 'ops@example.com', subject: 'Deploy', text: 'done' }));
    const byId = Object.fromEntries(view.blocks.map((b: any) => [b.block_id, b.element]));
    expect(byId.channel.initial_option.value).toBe('email');
    expect(byId.channel.options.map((o: any) => o.value)).toEqual(['sms', 'wa', 'tg', 'email', 'notify', 'tg_bot', 'pchat']);
    expect(byId.recipient.initial_value).toBe('ops@example.com');
    expect(byId.subject.initial_value).toBe('Deploy');
    expect(byId.text.initial_value).toBe('done');
    expect(readEditModalTarget(view as any)).toEqual({ draftId: 'd_01HZX4', version: 1 });
    // The version the form was filled from travels with it, so a save over a newer version is refused.
    expect(readEditModalTarget(renderEditModal(makeDraft({ version: 3 })) as any)).toEqual({ draftId: 'd_01HZX4', version: 3 });
  });

  it('fills the inputs with the characters as typed: plain_text inputs are never formatted, so nothing is escaped either', () => {
    const tricky = '*bold* <!channel> <@U123> _x_ ~x~ `code` &lt;';
    const view = renderEditModal(makeDraft({ channel: 'email', to: 'a_b*c*@example.com', subject: tricky, text: tricky }));
    const byId = Object.fromEntries(view.blocks.map((b: any) => [b.block_id, b.element]));
    expect([byId.recipient.initial_value, byId.subject.initial_value, byId.text.initial_value]).toEqual(['a_b*c*@example.com', tricky, tricky]);
    // Our own words are the only other text, and none of it is mrkdwn.
    expect(JSON.stringify(view)).not.toContain('"mrkdwn"');
  });

  it('leaves empty fields without an initial value (Slack rejects empty ones)', () => {
    const view = renderEditModal(makeDraft({ channel: 'notify', to: '', subject: null }));
    const byId = Object.fromEntries(view.blocks.map((b: any) => [b.block_id, b.element]));
    expect(byId.recipient).not.toHaveProperty('initial_value');
    expect(byId.subject).not.toHaveProperty('initial_value');
  });
});

describe('parseEditSubmission', () => {
  it('reads a real view_submission state into a patch', () => {
    const state = structuredClone(fixture.view.state) as any;
    state.values.text.value.value = 'Build finished, all green.';
    expect(parseEditSubmission(state)).toEqual({ channel: 'sms', to: '+15551234567', text: 'Build finished, all green.', subject: null });
  });

  it('ignores a channel value that is not one of ours', () => {
    const state = structuredClone(fixture.view.state) as any;
    state.values.channel.value.selected_option.value = 'fax';
    expect(parseEditSubmission(state)).not.toHaveProperty('channel');
  });

  it('returns null for metadata that is not ours, and no version for a modal opened before versions existed', () => {
    expect(readEditModalTarget({ private_metadata: 'garbage' })).toBeNull();
    expect(readEditModalTarget({})).toBeNull();
    expect(readEditModalTarget({ private_metadata: JSON.stringify({ draftId: 'd_old' }) })).toEqual({ draftId: 'd_old' });
    expect(readEditModalTarget({ private_metadata: JSON.stringify({ draftId: 'd_old', version: 'two' }) })).toEqual({ draftId: 'd_old' });
  });
});

describe('fieldForError', () => {
  it('puts each refusal under the field that can fix it', () => {
    expect(fieldForError(new AppError('invalid:recipient', 'bad number'))).toBe('recipient');
    expect(fieldForError(new AppError('denied:recipient', 'not on the list'))).toBe('recipient');
    expect(fieldForError(new AppError('denied:channel', 'off'))).toBe('channel');
    expect(fieldForError(new AppError('invalid:text', 'The message is empty: what should it say?'))).toBe('text');
    expect(fieldForError(new AppError('invalid:text', 'The subject is 300 characters; at most 200 are allowed.'))).toBe('subject');
    expect(fieldForError(new AppError('expired:draft', 'expired'))).toBeNull();
  });
});

describe('the schedule in the edit modal', () => {
  it('shows the draft sendAt in a date-time picker and reads it back (empty: when approved)', () => {
    const sendAt = new Date('2026-03-27T16:00:00Z');
    const view = renderEditModal(makeDraft({ sendAt }));
    const picker = (view.blocks as any[]).find((b) => b.block_id === 'send_at');
    expect(picker.element).toMatchObject({ type: 'datetimepicker', initial_date_time: 1774627200 });
    expect(picker.optional).toBe(true);
    const values = (selected: number | null) => ({
      values: { text: { value: { value: 'hi' } }, send_at: { value: { selected_date_time: selected } } },
    });
    expect(parseEditSubmission(values(1774630800)).sendAt).toEqual(new Date('2026-03-27T17:00:00Z'));
    expect(parseEditSubmission(values(null)).sendAt).toBeNull();
    // A form from before the picker existed leaves the schedule as it is.
    expect(parseEditSubmission({ values: { text: { value: { value: 'hi' } } } })).not.toHaveProperty('sendAt');
  });

  it('puts a refused time under the picker', () => {
    expect(fieldForError(new AppError('invalid:send_at', 'has already passed'))).toBe('send_at');
    expect(fieldForError(new AppError('denied:quiet_hours', 'quiet hours'))).toBe('send_at');
  });
});
