/**
 * In-memory ContactBook and ConversationStore, implementing the ports exactly,
 * for tests of the app layer that do not need a database.
 */
import type { AuditEventInput, Contact, ContactBook, ConversationState, ConversationStore } from '../../src/core/ports.js';
import type { Channel } from '../../src/core/send-request.js';

export class MemoryContactBook implements ContactBook {
  private readonly contacts: Contact[] = [];

  save(scope: string, name: string, channel: Channel, address: string, now: Date, _audit?: AuditEventInput): Promise<Contact> {
    // Same name and channel in the same scope replaces the old address, as an upsert would.
    const index = this.contacts.findIndex((c) => c.scope === scope && same(c.name, name) && c.channel === channel);
    const contact: Contact = { scope, name, channel, address, createdAt: now };
    if (index >= 0) this.contacts.splice(index, 1, contact);
    else this.contacts.push(contact);
    return Promise.resolve({ ...contact });
  }

  find(scope: string, name: string): Promise<Contact[]> {
    return Promise.resolve(this.visible(scope).filter((c) => same(c.name, name)));
  }

  list(scope: string): Promise<Contact[]> {
    return Promise.resolve(this.visible(scope));
  }

  remove(scope: string, name: string, _audit?: AuditEventInput): Promise<number> {
    let removed = 0;
    for (let i = this.contacts.length - 1; i >= 0; i--) {
      const c = this.contacts[i];
      if (c && c.scope === scope && same(c.name, name)) {
        this.contacts.splice(i, 1);
        removed++;
      }
    }
    return Promise.resolve(removed);
  }

  has(scope: string, channel: Channel, address: string): Promise<boolean> {
    return Promise.resolve(this.visible(scope).some((c) => c.channel === channel && c.address === address));
  }

  nameFor(scope: string, channel: Channel, address: string): Promise<string | null> {
    return Promise.resolve(this.visible(scope).find((c) => c.channel === channel && c.address === address)?.name ?? null);
  }

  /** The scope's own contacts first, then global ones. */
  private visible(scope: string): Contact[] {
    const own = this.contacts.filter((c) => c.scope === scope);
    const global = scope === 'global' ? [] : this.contacts.filter((c) => c.scope === 'global');
    return [...own, ...global].map((c) => ({ ...c }));
  }
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export class MemoryConversationStore implements ConversationStore {
  private readonly states = new Map<string, ConversationState>();

  get(key: string): Promise<ConversationState | null> {
    const state = this.states.get(key);
    // Hand out copies, as a database would: callers must put() to change anything.
    return Promise.resolve(state ? structuredClone(state) : null);
  }

  put(key: string, state: ConversationState): Promise<void> {
    this.states.set(key, structuredClone(state));
    return Promise.resolve();
  }

  clear(key: string): Promise<void> {
    this.states.delete(key);
    return Promise.resolve();
  }

  purge(before: Date, limit: number): Promise<number> {
    let purged = 0;
    for (const [key, state] of this.states) {
      if (state.updatedAt < before && purged < limit) {
        this.states.delete(key);
        purged++;
      }
    }
    return Promise.resolve(purged);
  }
}

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(private current = new Date('2025-01-15T10:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
