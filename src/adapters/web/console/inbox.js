// The pending approvals inbox: drafts waiting for this person's decision (an
// agent's requests, when they approve agents; others' drafts in four-eyes
// mode) and their own drafts still waiting. Read from GET /api/inbox, so it
// survives a reload and shows the same on every replica; each entry is a live
// draft card with Send / Edit / Cancel.
import { api, settings } from './api.js';
import { DraftCard } from './draft-card.js';
import { el, replaceChildren } from './dom.js';

const REFRESH_MS = 10_000;

class InboxPanel {
  constructor() {
    this.cards = new Map();
    this.count = el('span', { class: 'inbox-count' }, '0');
    this.status = el('p', { class: 'inbox-status', 'aria-live': 'polite' });
    this.awaiting = el('div', { class: 'inbox-list' });
    this.yours = el('div', { class: 'inbox-list' });
    this.element = el(
      'details',
      { id: 'inbox', class: 'inbox' },
      el('summary', {}, 'Pending approvals ', this.count),
      el('div', { class: 'inbox-body' }, el('h2', {}, 'Waiting for your decision'), this.awaiting, el('h2', {}, 'Your drafts waiting'), this.yours, this.status),
    );
  }

  async refresh() {
    let inbox;
    try {
      inbox = await api.inbox(settings.userId);
      this.status.textContent = '';
    } catch (error) {
      this.status.textContent = error.message;
      return;
    }
    this.count.textContent = String(inbox.awaitingYou.length);
    this.fill(this.awaiting, inbox.awaitingYou, 'Nothing is waiting for you.');
    this.fill(this.yours, inbox.yours, 'None of your drafts is waiting.');
  }

  /** Keep a card per draft (a redraw would lose an open edit form); drop those no longer listed. */
  fill(list, drafts, empty) {
    const cards = drafts.map((view) => {
      let card = this.cards.get(view.id);
      if (!card) {
        card = new DraftCard(view.id);
        this.cards.set(view.id, card);
        void card.load();
      } else card.tick();
      return card.element;
    });
    replaceChildren(list, ...(cards.length ? cards : [el('p', { class: 'inbox-empty' }, empty)]));
  }
}

const inbox = new InboxPanel();
document.querySelector('header')?.after(inbox.element);
inbox.element.addEventListener('toggle', () => inbox.element.open && void inbox.refresh());
void inbox.refresh();
setInterval(() => void inbox.refresh(), REFRESH_MS);
