// One live draft card: the server's platform-neutral card (the same one Slack
// and Telegram render) with Send / Edit / Cancel, an inline edit form, a
// preview of what the recipient gets, and a watch on the draft until its
// outcome is final — so every tab showing it follows decisions made elsewhere.
import { api } from './api.js';
import { buildEditForm, editPatch } from './card-edit.js';
import { attachShortcuts, SHORTCUT_HINT, SHORTCUTS } from './card-keys.js';
import { el, replaceChildren, timeLeft } from './dom.js';

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
const KEYS = { confirm: 'Control+Enter Meta+Enter', edit: 'E', cancel: 'Escape' };
/** How often a card asks where its draft stands, ms: soon after Send, calmly while it waits for a decision. */
const WATCH_MS = { active: 1500, pending: 3000 };

export class DraftCard {
  /** @param {string} draftId  @param {{ onShowAudit?: (draftId: string) => void }} hooks */
  constructor(draftId, hooks = {}) {
    this.draftId = draftId;
    this.hooks = hooks;
    this.view = null;
    this.busy = null; // 'confirm' | 'cancel' | 'edit' while a request is under way
    this.form = null;
    this.error = '';
    this.watching = false;
    this.element = el(
      'article',
      { class: 'card tone-loading', dataset: { draftId }, 'aria-label': 'Draft', title: SHORTCUT_HINT },
      el('p', {}, 'Loading draft…'),
    );
    attachShortcuts(this.element, (action) => this.shortcut(action));
  }

  get status() {
    return this.view?.card.status ?? 'pending';
  }

  /** Fetch the draft, draw it, and keep watching it until its outcome is final. */
  async load() {
    await this.refresh();
    this.watch();
  }

  async refresh() {
    try {
      this.view = await api.getDraft(this.draftId);
      this.error = '';
    } catch (error) {
      if (!this.view) this.error = error.message;
    }
    this.render();
  }

  /** Called every few seconds: keeps the countdown fresh. */
  tick() {
    if (this.view && this.status === 'pending' && !this.busy && !this.form) this.render();
  }

  /** Ask again until the status is final; stops when the card leaves the page. */
  async watch() {
    if (this.watching) return;
    this.watching = true;
    try {
      while (this.view && !FINAL.has(this.status) && this.element.isConnected) {
        await new Promise((resolve) => setTimeout(resolve, this.status === 'pending' ? WATCH_MS.pending : WATCH_MS.active));
        // An open form or a click under way owns the card; the answer to it redraws.
        if (this.busy || this.form) continue;
        const before = JSON.stringify(this.view);
        try {
          this.view = await api.getDraft(this.draftId);
        } catch {
          continue; // a blip: ask again next time
        }
        if (JSON.stringify(this.view) !== before) this.render();
      }
    } finally {
      this.watching = false;
    }
  }

  /** Put the keyboard on Send (a new card: approving is the next step). */
  focusSend() {
    this.element.querySelector('button[data-action="confirm"]')?.focus();
  }

  shortcut(action) {
    const button = this.element.querySelector(`.card-buttons button[data-action="${action}"]`);
    if (!button || button.disabled) return false;
    button.click();
    return true;
  }

  async confirm() {
    await this.decide('confirm', (version) => api.confirm(this.draftId, version));
    this.watch();
  }

  async cancel() {
    await this.decide('cancel', (version) => api.cancel(this.draftId, version));
  }

  openForm() {
    this.error = '';
    this.form = buildEditForm(this.view, {
      onSave: (form) => void this.saveEdit(form),
      onDiscard: () => {
        this.form = null;
        this.render();
        this.focusSend();
      },
    });
    this.render();
    this.form.querySelector('textarea')?.focus();
    // The whole form, Save included, in view above the composer.
    this.form.scrollIntoView({ block: 'nearest' });
    this.form.querySelector('.card-actions')?.scrollIntoView({ block: 'nearest' });
  }

  async saveEdit(form) {
    const patch = editPatch(form, this.view);
    if (Object.keys(patch).length === 0) {
      this.form = null;
      this.render();
      return;
    }
    this.busy = 'edit';
    this.render();
    try {
      this.view = await api.edit(this.draftId, patch, this.view.version);
      this.form = null;
    } catch (error) {
      this.showFormError(error.message);
      // Someone else decided, or it expired: show where the draft really stands.
      if (error.status === 404 || error.status === 409) await this.refreshQuietly();
      // Someone else edited it: the form holds an old version, so show the new card and let the person start again from it.
      if (error.code === 'conflict:version') {
        this.form = null;
        this.error = error.message;
      }
    } finally {
      this.busy = null;
      this.render();
    }
    if (!this.form) this.focusSend();
  }

  showFormError(message) {
    const error = this.form?.querySelector('.form-error');
    if (!error) return;
    error.textContent = message;
    error.hidden = !message;
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

  render() {
    const node = this.element;
    const view = this.view;
    if (!view) {
      node.className = 'card tone-error';
      replaceChildren(node, el('p', { class: 'card-error', role: 'alert' }, this.error || 'Loading draft…'));
      return;
    }
    // Redrawing replaces the buttons: keep the keyboard where it was.
    const focused = node.contains(document.activeElement) ? document.activeElement?.dataset?.action : undefined;
    const { card } = view;
    const sending = this.busy === 'confirm';
    const preview = card.preview ?? null;
    node.className = `card tone-${sending ? 'progress' : card.tone}`;
    node.dataset.status = sending ? 'sending' : card.status;
    const badge = card.status === 'sent' && view.dryRun ? 'Sent · dry run' : BADGES[card.status];
    const left = card.status === 'pending' ? timeLeft(view.expiresAt) : null;

    replaceChildren(
      node,
      el('header', { class: 'card-head' }, el('h3', { class: 'card-headline' }, sending ? 'Sending…' : card.headline), el('span', { class: `badge badge-${card.status}` }, badge)),
      preview?.dryRun && card.status === 'pending' ? el('p', { class: 'dry-run-mark' }, 'Dry run — nothing will be sent') : null,
      el('dl', { class: 'card-fields' }, fields(view).map((f) => el('div', { class: `field field-${f.key}` }, el('dt', {}, f.label), el('dd', {}, f.value)))),
      preview?.sms ? el('p', { class: 'card-preview' }, smsLine(preview.sms)) : null,
      el('p', { class: 'card-context' }, card.context, left ? ` · ${left} left` : ''),
      this.error ? el('p', { class: 'card-error', role: 'alert' }, this.error) : null,
      this.form && card.buttons.length > 0 ? this.formWithState() : this.actions(card),
    );
    if (focused) node.querySelector(`button[data-action="${focused}"]`)?.focus();
  }

  formWithState() {
    for (const button of this.form.querySelectorAll('button')) button.disabled = this.busy === 'edit';
    this.form.querySelector('button[type=submit]').textContent = this.busy === 'edit' ? 'Saving…' : 'Save changes';
    return this.form;
  }

  actions(card) {
    const disabled = this.busy !== null;
    const handlers = { confirm: () => this.confirm(), edit: () => this.openForm(), cancel: () => this.cancel() };
    return el(
      'div',
      { class: 'card-actions card-buttons' },
      card.buttons.map((b) =>
        el(
          'button',
          {
            type: 'button', class: `btn btn-${b.style}`, disabled, onclick: handlers[b.action],
            dataset: { action: b.action }, title: `${b.label} (${SHORTCUTS[b.action]})`, 'aria-keyshortcuts': KEYS[b.action],
          },
          b.label,
        ),
      ),
      card.buttons.length > 0 ? el('span', { class: 'shortcut-hint', 'aria-hidden': 'true' }, '⌨ Ctrl/⌘+Enter · E · Esc') : null,
      el('button', { type: 'button', class: 'btn btn-link', onclick: () => this.hooks.onShowAudit?.(this.draftId) }, 'Audit trail'),
    );
  }
}

/** The card's rows, with the recipient's saved name beside the address and an email's subject as a mail client shows it. */
function fields(view) {
  const name = view.card.preview?.recipientName;
  return view.card.fields
    .map((f) => ({ key: f.label.toLowerCase(), label: f.label, value: f.label === 'To' && name ? `${name} · ${f.value}` : f.value }))
    .flatMap((f) => (f.key === 'to' && view.channel === 'email' && !view.subject ? [f, { key: 'subject', label: 'Subject', value: '(no subject)' }] : [f]));
}

function smsLine({ segments, encoding, characters }) {
  const why = encoding === 'UCS-2' ? ' (a character outside GSM-7 makes every segment shorter)' : '';
  return `${characters} characters · ${segments} SMS segment${segments === 1 ? '' : 's'} · ${encoding}${why}`;
}
