// One live draft card: the server's platform-neutral card (the same one Slack
// and Telegram render) with Send / Edit / Cancel, an inline edit form, and
// polling after Send until the delivery is final.
import { api } from './api.js';
import { el, replaceChildren, timeLeft } from './dom.js';

const CHANNELS = [
  ['sms', 'SMS'],
  ['wa', 'WhatsApp'],
  ['tg', 'Telegram'],
  ['email', 'Email'],
  ['notify', 'Push notification'],
  ['tg_bot', 'Telegram (bot)'],
  ['pchat', 'Private chat'],
];
const FINAL = new Set(['sent', 'failed', 'cancelled', 'expired']);
const BADGES = {
  pending: 'Awaiting approval',
  confirmed: 'Sending',
  scheduled: 'Scheduled',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

export class DraftCard {
  /** @param {string} draftId  @param {{ onShowAudit?: (draftId: string) => void }} hooks */
  constructor(draftId, hooks = {}) {
    this.draftId = draftId;
    this.hooks = hooks;
    this.view = null;
    this.busy = null; // 'confirm' | 'cancel' | 'edit' while a request is under way
    this.editing = false;
    this.error = '';
    this.formError = '';
    this.polling = false;
    this.element = el('article', { class: 'card tone-loading', dataset: { draftId }, 'aria-live': 'polite' }, 'Loading draft…');
  }

  /** Fetch the draft and draw it (and keep watching it when a delivery is under way). */
  async load() {
    try {
      this.view = await api.getDraft(this.draftId);
      this.error = '';
    } catch (error) {
      this.error = error.message;
    }
    this.render();
    if (this.view && ['confirmed', 'scheduled', 'sending'].includes(this.view.status)) this.poll();
  }

  get status() {
    return this.view?.card.status ?? 'pending';
  }

  /** Called every few seconds: keeps the countdown fresh and notices expiry without a click. */
  tick() {
    if (!this.view || this.status !== 'pending' || this.busy) return;
    // Redrawing would detach the open form and lose the cursor; the save answers for expiry anyway.
    if (this.editing && new Date(this.view.expiresAt).getTime() > Date.now()) return;
    if (new Date(this.view.expiresAt).getTime() <= Date.now()) void this.load();
    else this.render();
  }

  async confirm() {
    await this.decide('confirm', (version) => api.confirm(this.draftId, version));
    if (this.view && !FINAL.has(this.status)) this.poll();
  }

  async cancel() {
    await this.decide('cancel', (version) => api.cancel(this.draftId, version));
  }

  async saveEdit(form) {
    const data = new FormData(form);
    const before = this.view;
    const patch = {};
    const channel = String(data.get('channel'));
    const to = String(data.get('to')).trim();
    const text = String(data.get('text'));
    const subject = String(data.get('subject')).trim() || null;
    if (channel !== before.channel) patch.channel = channel;
    if (to !== before.to) patch.to = to;
    if (text !== before.text) patch.text = text;
    if (subject !== before.subject) patch.subject = subject;
    if (Object.keys(patch).length === 0) {
      this.closeForm();
      this.render();
      return;
    }
    this.busy = 'edit';
    this.formError = '';
    this.render();
    try {
      this.view = await api.edit(this.draftId, patch, before.version);
      this.closeForm();
    } catch (error) {
      this.formError = error.message;
      // Someone else decided, or it expired: show where the draft really stands.
      if (error.status === 404 || error.status === 409) await this.refreshQuietly();
      // Someone else edited it: the form holds an old version, so show the new card and let the person start again from it.
      if (error.code === 'conflict:version') {
        this.closeForm();
        this.error = error.message;
      }
    } finally {
      this.busy = null;
      this.render();
    }
  }

  /** `request(version)` decides the version this card shows; a 409 redraws the card as the draft stands now. */
  async decide(action, request) {
    const version = this.view?.version;
    this.busy = action;
    this.error = '';
    this.render();
    try {
      this.view = await request(version);
    } catch (error) {
      this.error = error.message;
      await this.refreshQuietly();
    } finally {
      this.busy = null;
      this.render();
    }
  }

  async refreshQuietly() {
    try {
      this.view = await api.getDraft(this.draftId);
    } catch {
      // Keep the last view; the error sentence already explains.
    }
  }

  /** Delivery is asynchronous: ask again, a little less often each time, until the status is final. */
  async poll() {
    if (this.polling) return;
    this.polling = true;
    let wait = 500;
    try {
      while (this.view && !FINAL.has(this.status)) {
        await new Promise((resolve) => setTimeout(resolve, wait));
        wait = Math.min(wait * 1.5, 5000);
        try {
          this.view = await api.getDraft(this.draftId);
          this.error = '';
        } catch (error) {
          this.error = `${error.message} Trying again…`;
        }
        this.render();
      }
    } finally {
      this.polling = false;
    }
  }

  render() {
    const node = this.element;
    const view = this.view;
    if (!view) {
      node.className = 'card tone-error';
      replaceChildren(node, el('p', { class: 'card-error', role: 'alert' }, this.error || 'Loading draft…'));
      return;
    }
    const { card } = view;
    const sending = this.busy === 'confirm';
    const tone = sending ? 'progress' : card.tone;
    node.className = `card tone-${tone}`;
    node.dataset.status = sending ? 'sending' : card.status;

    const headline = sending ? 'Sending…' : card.headline;
    const badge = card.status === 'sent' && view.dryRun ? 'Sent · dry run' : BADGES[card.status];
    const left = card.status === 'pending' ? timeLeft(view.expiresAt) : null;

    replaceChildren(
      node,
      el(
        'header',
        { class: 'card-head' },
        el('h3', { class: 'card-headline' }, headline),
        el('span', { class: `badge badge-${card.status}` }, badge),
      ),
      el(
        'dl',
        { class: 'card-fields' },
        card.fields.map((f) =>
          el('div', { class: `field field-${f.label.toLowerCase()}` }, el('dt', {}, f.label), el('dd', {}, f.value)),
        ),
      ),
      el('p', { class: 'card-context' }, card.context, left ? ` · ${left} left` : ''),
      this.error ? el('p', { class: 'card-error', role: 'alert' }, this.error) : null,
      this.editing && card.buttons.length > 0 ? this.editForm() : this.actions(card),
    );
  }

  actions(card) {
    const disabled = this.busy !== null;
    const handlers = {
      confirm: () => this.confirm(),
      edit: () => {
        this.editing = true;
        this.formError = '';
        this.form = this.buildForm();
        this.render();
        this.element.querySelector('textarea')?.focus();
      },
      cancel: () => this.cancel(),
    };
    return el(
      'div',
      { class: 'card-actions' },
      card.buttons.map((b) =>
        el('button', { type: 'button', class: `btn btn-${b.style}`, disabled, onclick: handlers[b.action] }, b.label),
      ),
      el(
        'button',
        { type: 'button', class: 'btn btn-link', onclick: () => this.hooks.onShowAudit?.(this.draftId) },
        'Audit trail',
      ),
    );
  }

  closeForm() {
    this.editing = false;
    this.formError = '';
    this.form = null;
  }

  /** The open form, kept across redraws so what the person typed survives; only its error and buttons change. */
  editForm() {
    const busy = this.busy === 'edit';
    const form = this.form ?? (this.form = this.buildForm());
    const error = form.querySelector('.form-error');
    error.textContent = this.formError;
    error.hidden = !this.formError;
    for (const button of form.querySelectorAll('button')) button.disabled = busy;
    form.querySelector('button[type=submit]').textContent = busy ? 'Saving…' : 'Save changes';
    return form;
  }

  buildForm() {
    const view = this.view;
    const field = (label, control) => el('label', { class: 'form-field' }, el('span', {}, label), control);
    const form = el(
      'form',
      {
        class: 'card-edit',
        onsubmit: (event) => {
          event.preventDefault();
          void this.saveEdit(form);
        },
      },
      field(
        'Channel',
        el(
          'select',
          { name: 'channel' },
          CHANNELS.map(([value, label]) => el('option', { value, selected: value === view.channel }, label)),
        ),
      ),
      field('To', el('input', { name: 'to', value: view.to, autocomplete: 'off' })),
      field('Subject (email only)', el('input', { name: 'subject', value: view.subject ?? '', autocomplete: 'off' })),
      field('Message', el('textarea', { name: 'text', rows: 4 })),
      el('p', { class: 'card-error form-error', role: 'alert', hidden: true }),
      el(
        'div',
        { class: 'card-actions' },
        el('button', { type: 'submit', class: 'btn btn-primary' }, 'Save changes'),
        el(
          'button',
          {
            type: 'button',
            class: 'btn btn-default',
            onclick: () => {
              this.closeForm();
              this.render();
            },
          },
          'Discard',
        ),
      ),
    );
    // A textarea's value is not an attribute; set it as a property so newlines survive.
    form.querySelector('textarea').value = view.text;
    return form;
  }
}
