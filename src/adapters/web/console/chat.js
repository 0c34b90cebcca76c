// The chat panel: sends the conversation to /api/chat in the AI SDK
// UI-message format and draws the streamed answer — text, and a live card per draft.
import { chat } from './api.js';
import { el } from './dom.js';
import { DraftCard } from './draft-card.js';

const CHAT_KEY = 'relaybot.chatId';
// The server keeps the conversation's state; a short tail of history is enough context to send.
const HISTORY_SENT = 20;

export class ChatPanel {
  /**
   * @param {{ log: HTMLElement, form: HTMLFormElement, input: HTMLTextAreaElement, button: HTMLButtonElement,
   *           userId: () => string, onShowAudit: (draftId: string) => void }} parts
   */
  constructor(parts) {
    this.parts = parts;
    this.messages = [];
    this.cards = new Map();
    this.chatId = sessionStorage.getItem(CHAT_KEY) || this.newChatId();
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
    // Keep countdowns fresh and notice expiry while the page stays open.
    setInterval(() => this.cards.forEach((card) => card.tick()), 15_000);
  }

  newChatId() {
    const id = `web-${crypto.randomUUID()}`;
    sessionStorage.setItem(CHAT_KEY, id);
    return id;
  }

  /** Start over: a new conversation id, so the server forgets any half-finished request. */
  reset() {
    this.chatId = this.newChatId();
    this.messages = [];
    this.cards.clear();
    this.parts.log.replaceChildren();
    this.parts.input.focus();
  }

  async send() {
    const { input, button, log } = this.parts;
    const text = input.value.trim();
    if (!text || button.disabled) return;
    input.value = '';
    button.disabled = true;

    this.messages.push({ id: `u-${crypto.randomUUID()}`, role: 'user', parts: [{ type: 'text', text }] });
    log.append(el('div', { class: 'msg msg-user' }, el('p', {}, text)));
    const bubble = el('p', { class: 'typing' }, 'Thinking…');
    const answer = el('div', { class: 'msg msg-assistant', 'aria-busy': 'true' }, bubble);
    log.append(answer);
    this.scroll();

    let said = '';
    const reply = { id: '', role: 'assistant', parts: [] };
    try {
      await chat(
        { id: this.chatId, userId: this.parts.userId(), messages: this.messages.slice(-HISTORY_SENT) },
        (part) => {
          switch (part.type) {
            case 'start':
              reply.id = part.messageId ?? `a-${crypto.randomUUID()}`;
              break;
            case 'text-delta':
              said += part.delta;
              bubble.className = '';
              bubble.textContent = said;
              break;
            case 'data-draft':
              this.showDraft(answer, part.data.id);
              break;
            case 'error':
              answer.append(el('p', { class: 'msg-error', role: 'alert' }, part.errorText));
              break;
          }
          this.scroll();
        },
      );
      if (!said) bubble.remove();
    } catch (error) {
      bubble.remove();
      answer.append(el('p', { class: 'msg-error', role: 'alert' }, error.message));
    } finally {
      answer.removeAttribute('aria-busy');
      if (said) reply.parts.push({ type: 'text', text: said });
      if (reply.parts.length > 0) this.messages.push(reply);
      button.disabled = false;
      input.focus();
      this.scroll();
    }
  }

  showDraft(container, draftId) {
    const card = new DraftCard(draftId, { onShowAudit: this.parts.onShowAudit });
    this.cards.set(draftId, card);
    container.append(card.element);
    void card.load().then(() => this.scroll());
  }

  scroll() {
    const { log } = this.parts;
    log.scrollTop = log.scrollHeight;
  }
}
