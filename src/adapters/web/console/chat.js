// The chat panel: sends each request to /api/chat in the AI SDK UI-message
// format and draws the streamed answer — text, and a live card per draft.
// The server keeps the conversation, so opening a chat (after a reload, in a
// second tab) draws it from there, and new messages from other tabs follow.
import { api, chat } from './api.js';
import { el } from './dom.js';
import { DraftCard } from './draft-card.js';

// The server keeps the conversation's state; a short tail of history is enough context to send.
const HISTORY_SENT = 20;
/** How often an open chat asks for messages written in another tab, ms. */
const FOLLOW_MS = 4000;

export class ChatPanel {
  /**
   * @param {{ log: HTMLElement, form: HTMLFormElement, input: HTMLTextAreaElement, button: HTMLButtonElement,
   *           welcome: HTMLElement, userId: () => string, onShowAudit: (draftId: string) => void, onChanged: () => void }} parts
   */
  constructor(parts) {
    this.parts = parts;
    this.chatId = null;
    this.messages = [];
    this.cards = new Map();
    this.lastSeq = 0;
    this.sending = false;
    parts.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    parts.input.addEventListener('keydown', (event) => {
      // Enter sends, Shift+Enter is a new line — as in every chat app.
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        void this.send();
      }
    });
    // Keep countdowns fresh while the page stays open, and follow other tabs.
    setInterval(() => this.cards.forEach((card) => card.tick()), 15_000);
    setInterval(() => void this.follow(), FOLLOW_MS);
  }

  /** Show chat `id` as the server has it (an unknown id is a new, empty chat). */
  async open(id) {
    this.chatId = id;
    this.messages = [];
    this.cards.clear();
    this.lastSeq = 0;
    this.parts.log.replaceChildren(this.parts.welcome);
    const found = await api.chat(id).catch(() => null);
    if (this.chatId !== id || !found) return;
    for (const message of found.messages) this.draw(message);
    this.scroll();
  }

  /** Start a new conversation, so the server forgets any half-finished request. */
  startNew() {
    void this.open(`web-${crypto.randomUUID()}`);
    this.parts.input.focus();
  }

  /** Draw one stored message (and its card); remember it as context for the next request. */
  draw(message) {
    this.lastSeq = Math.max(this.lastSeq, message.seq);
    this.parts.welcome.remove();
    this.messages.push({ id: `s-${message.seq}`, role: message.role, parts: [{ type: 'text', text: message.text }] });
    if (message.role === 'user') {
      this.parts.log.append(el('div', { class: 'msg msg-user' }, el('p', {}, message.text)));
      return;
    }
    const answer = el('div', { class: 'msg msg-assistant' }, el('p', {}, message.text));
    this.parts.log.append(answer);
    if (message.draftId) this.showDraft(answer, message.draftId);
  }

  /** Messages another tab added to this chat since the last one shown. */
  async follow() {
    if (!this.chatId || this.sending) return;
    const id = this.chatId;
    const found = await api.chat(id, this.lastSeq).catch(() => null);
    if (!found || this.chatId !== id || this.sending || found.messages.length === 0) return;
    const atBottom = this.atBottom();
    for (const message of found.messages) if (message.seq > this.lastSeq) this.draw(message);
    if (atBottom) this.scroll();
    this.parts.onChanged();
  }

  async send(words) {
    const { input, button, log } = this.parts;
    const text = (words ?? input.value).trim();
    if (!text || this.sending) return;
    input.value = '';
    button.disabled = true;
    this.sending = true;
    // Asked before the page found its chat (a very quick click): this is a new one.
    if (!this.chatId) this.chatId = `web-${crypto.randomUUID()}`;
    const id = this.chatId;

    this.parts.welcome.remove();
    this.messages.push({ id: `u-${crypto.randomUUID()}`, role: 'user', parts: [{ type: 'text', text }] });
    log.append(el('div', { class: 'msg msg-user' }, el('p', {}, text)));
    const bubble = el('p', { class: 'typing' }, 'Thinking…');
    const answer = el('div', { class: 'msg msg-assistant', 'aria-busy': 'true' }, bubble);
    log.append(answer);
    this.scroll();

    let said = '';
    let card = null;
    try {
      await chat({ id, userId: this.parts.userId(), messages: this.messages.slice(-HISTORY_SENT) }, (part) => {
        if (part.type === 'text-delta') {
          said += part.delta;
          bubble.className = '';
          bubble.textContent = said;
        } else if (part.type === 'data-draft') card = this.showDraft(answer, part.data.id);
        else if (part.type === 'error') answer.append(el('p', { class: 'msg-error', role: 'alert' }, part.errorText));
        this.scroll();
      });
      if (!said) bubble.remove();
    } catch (error) {
      bubble.remove();
      answer.append(el('p', { class: 'msg-error', role: 'alert' }, error.message));
    } finally {
      answer.removeAttribute('aria-busy');
      if (said) this.messages.push({ id: `a-${crypto.randomUUID()}`, role: 'assistant', parts: [{ type: 'text', text: said }] });
      await this.adoptOwn(id, text);
      this.sending = false;
      button.disabled = false;
      this.parts.onChanged();
    }
    // A new card: the next step is to approve it, so the keyboard goes to its Send.
    if (card) await card.loaded.then(() => card.focusSend());
    else input.focus();
    this.scroll();
  }

  /**
   * The server recorded the exchange just drawn: take its seqs as shown, so
   * following other tabs does not draw it twice (anything else is drawn).
   */
  async adoptOwn(id, text) {
    const found = await api.chat(id, this.lastSeq).catch(() => null);
    if (!found || this.chatId !== id) return;
    const own = found.messages.findIndex((m) => m.role === 'user' && m.text === text);
    for (const [i, message] of found.messages.entries()) {
      if (own !== -1 && (i === own || i === own + 1)) this.lastSeq = Math.max(this.lastSeq, message.seq);
      else this.draw(message);
    }
  }

  showDraft(container, draftId) {
    const existing = this.cards.get(draftId);
    if (existing) return existing;
    const card = new DraftCard(draftId, { onShowAudit: this.parts.onShowAudit });
    this.cards.set(draftId, card);
    container.append(card.element);
    card.loaded = card.load().then(() => this.scroll());
    return card;
  }

  atBottom() {
    const { log } = this.parts;
    return log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  }

  scroll() {
    const { log } = this.parts;
    log.scrollTop = log.scrollHeight;
  }
}
