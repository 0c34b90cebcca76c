// The inline edit form of a draft card: channel, recipient, subject, message and
// when to send (in the browser's own time zone; empty = as soon as approved).
import { el } from './dom.js';

const CHANNELS = [
  ['sms', 'SMS'],
  ['wa', 'WhatsApp'],
  ['tg', 'Telegram'],
  ['email', 'Email'],
  ['notify', 'Push notification'],
  ['tg_bot', 'Telegram (bot)'],
  ['pchat', 'Private chat'],
];

/**
 * The form for `view`, calling `onSave(form)` on submit and `onDiscard()` on
 * Discard or Esc. Each form gets its own ids so labels stay tied to their fields.
 */
export function buildEditForm(view, { onSave, onDiscard }) {
  const id = (name) => `edit-${view.id}-${name}`;
  const field = (name, label, control) =>
    el('div', { class: 'form-field' }, el('label', { for: id(name) }, label), control);
  const form = el(
    'form',
    {
      class: 'card-edit',
      'aria-label': 'Edit the draft',
      onsubmit: (event) => {
        event.preventDefault();
        onSave(form);
      },
      onkeydown: (event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          onDiscard();
        } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
          // Ctrl/⌘+Enter in the form saves, as it sends on the card.
          event.preventDefault();
          event.stopPropagation();
          form.requestSubmit();
        }
      },
    },
    field(
      'channel',
      'Channel',
      el('select', { name: 'channel', id: id('channel') }, CHANNELS.map(([value, label]) => el('option', { value, selected: value === view.channel }, label))),
    ),
    field('to', 'To', el('input', { name: 'to', id: id('to'), value: view.to, autocomplete: 'off' })),
    field('subject', 'Subject (email only)', el('input', { name: 'subject', id: id('subject'), value: view.subject ?? '', autocomplete: 'off' })),
    field('text', 'Message', el('textarea', { name: 'text', id: id('text'), rows: 4 })),
    field(
      'send-at',
      `Send at (your time, ${Intl.DateTimeFormat().resolvedOptions().timeZone}; empty: when approved)`,
      el('input', { type: 'datetime-local', name: 'sendAt', id: id('send-at'), value: localInputValue(view.sendAt) }),
    ),
    el('p', { class: 'card-error form-error', role: 'alert', hidden: true }),
    el(
      'div',
      { class: 'card-actions' },
      el('button', { type: 'submit', class: 'btn btn-primary' }, 'Save changes'),
      el('button', { type: 'button', class: 'btn btn-default', onclick: () => onDiscard() }, 'Discard'),
    ),
  );
  // A textarea's value is not an attribute; set it as a property so newlines survive.
  form.querySelector('textarea').value = view.text;
  return form;
}

/** The patch the form asks for against `before`: only the fields that changed. */
export function editPatch(form, before) {
  const data = new FormData(form);
  const patch = {};
  const channel = String(data.get('channel'));
  const to = String(data.get('to')).trim();
  const text = String(data.get('text'));
  const subject = String(data.get('subject')).trim() || null;
  if (channel !== before.channel) patch.channel = channel;
  if (to !== before.to) patch.to = to;
  if (text !== before.text) patch.text = text;
  if (subject !== before.subject) patch.subject = subject;
  const sendAt = String(data.get('sendAt') ?? '');
  if (sendAt !== localInputValue(before.sendAt)) patch.sendAt = sendAt ? new Date(sendAt).toISOString() : null;
  return patch;
}

/** An ISO time as a datetime-local input shows it (the browser's zone, to the minute); '' for none. */
function localInputValue(iso) {
  if (!iso) return '';
  const at = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}
