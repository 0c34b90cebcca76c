// The sidebar: this person's chats, most recent first, kept on the server.
// The open chat is remembered (per browser) so a reload or a new tab returns to it.
import { api, settings } from './api.js';
import { el, replaceChildren } from './dom.js';

const OPEN_KEY = 'relaybot.openChat';

export class ChatList {
  /** @param {{ list: HTMLElement, status: HTMLElement, onOpen: (id: string) => void }} parts */
  constructor(parts) {
    this.parts = parts;
    this.chats = [];
    this.current = null;
  }

  /** The chat to show first: the one in the address (#chat=…), the one open last, or the most recent. */
  async initial() {
    const fromHash = new URLSearchParams(location.hash.slice(1)).get('chat');
    await this.refresh();
    const remembered = localStorage.getItem(`${OPEN_KEY}.${settings.userId}`);
    return fromHash || remembered || this.chats[0]?.id || `web-${crypto.randomUUID()}`;
  }

  /** Mark `id` as the open chat (address, storage and list). */
  select(id) {
    this.current = id;
    localStorage.setItem(`${OPEN_KEY}.${settings.userId}`, id);
    history.replaceState(null, '', `#chat=${encodeURIComponent(id)}`);
    this.render();
  }

  async refresh() {
    try {
      this.chats = await api.chats();
      this.parts.status.textContent = this.chats.length === 0 ? 'No chats yet.' : '';
    } catch (error) {
      this.parts.status.textContent = error.message;
    }
    this.render();
  }

  render() {
    replaceChildren(
      this.parts.list,
      this.chats.map((chat) =>
        el(
          'li',
          {},
          el(
            'button',
            {
              type: 'button',
              class: 'chat-link',
              'aria-current': chat.id === this.current ? 'page' : false,
              title: `${chat.title} — last used ${chat.updatedAt.slice(0, 16).replace('T', ' ')} UTC`,
              onclick: () => this.parts.onOpen(chat.id),
            },
            chat.title,
          ),
        ),
      ),
    );
  }
}
