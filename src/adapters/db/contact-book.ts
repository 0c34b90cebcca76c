/**
 * ContactBook over the `contacts` table. A scope (`slack:T123`,
 * `telegram:<chat id>`, `web`) sees its own entries and the `global` ones;
 * its own come first, so a local "Mum" wins over a global one. Names match
 * case-insensitively through the stored lower-cased `name_key`.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { AuditEventInput, Contact, ContactBook } from '../../core/ports.js';
import { assertStorable, isStorable } from '../../core/storable-text.js';
import type { Channel } from '../../core/send-request.js';
import { appendAudit } from './audit-log.js';
import type { AuditKey } from './audit-key.js';
import type { AuditSealer } from './audit-sealer.js';
import type { AppDb, AppTx } from './client.js';
import { contacts, type ContactRow } from './schema.js';

export const GLOBAL_SCOPE = 'global';

const nameKey = (name: string): string => name.trim().toLowerCase();
const visibleFrom = (scope: string) => inArray(contacts.scope, scope === GLOBAL_SCOPE ? [GLOBAL_SCOPE] : [scope, GLOBAL_SCOPE]);
/** Own scope before global. */
const ownFirst = (scope: string) => sql`case when ${contacts.scope} = ${scope} then 0 else 1 end`;

/**
 * `audit`: the log's key and sealer. A save or removal with an audit event
 * records it in the same transaction (under `contactsOnly` a contact is an
 * allowlist entry, so its changes are audited like decisions).
 */
export function createContactBook(db: AppDb, audit: { key: AuditKey; sealer: AuditSealer }): ContactBook {
  /** Run `change` and, when there is an event, record it in the same transaction if `changed` says the change happened. */
  async function withAudit<T>(event: AuditEventInput | undefined, now: Date, change: (q: AppDb | AppTx) => Promise<T>, changed: (result: T) => boolean): Promise<T> {
    if (!event) return change(db);
    const result = await db.transaction(async (tx) => {
      const out = await change(tx);
      if (changed(out)) await appendAudit(tx, audit.key, event, now);
      return out;
    });
    if (changed(result)) audit.sealer.nudge();
    return result;
  }

  // Prepared: every message lists the names its scope knows.
  const listVisible = db
    .select()
    .from(contacts)
    .where(inArray(contacts.scope, [sql.placeholder('scope'), sql.placeholder('global')]))
    .orderBy(asc(contacts.nameKey), sql`case when ${contacts.scope} = ${sql.placeholder('scope')} then 0 else 1 end`, asc(contacts.channel))
    .prepare('relaybot_contacts_list');
  return {
    async save(scope: string, name: string, channel: Channel, address: string, now: Date, event?: AuditEventInput) {
      // Names come straight from chat commands and the CLI; one the table cannot hold is refused with a sentence.
      assertStorable('name', name);
      const [row] = await withAudit(event, now, (q) => q
        .insert(contacts)
        .values({ scope, nameKey: nameKey(name), name: name.trim(), channel, address, createdAt: now })
        .onConflictDoUpdate({
          target: [contacts.scope, contacts.nameKey, contacts.channel],
          // Saving again replaces the address (and the spelling), keeping when it was first saved.
          set: { name: name.trim(), address },
        })
        .returning(), () => true);
      if (!row) throw new Error('upsert into contacts returned no row');
      return toContact(row);
    },

    async find(scope, name) {
      // No saved name holds a null byte or a broken character; asking for one finds nothing (and must not fail the query).
      if (!isStorable(name)) return [];
      const rows = await db
        .select()
        .from(contacts)
        .where(and(visibleFrom(scope), eq(contacts.nameKey, nameKey(name))))
        .orderBy(ownFirst(scope), asc(contacts.channel));
      return rows.map(toContact);
    },

    async list(scope) {
      const rows = await listVisible.execute({ scope, global: GLOBAL_SCOPE });
      return rows.map(toContact);
    },

    async remove(scope, name, event) {
      if (!isStorable(name)) return 0;
      // Only the scope's own entries: a chat cannot delete a global contact.
      const rows = await withAudit(event, new Date(), (q) => q
        .delete(contacts)
        .where(and(eq(contacts.scope, scope), eq(contacts.nameKey, nameKey(name))))
        .returning({ channel: contacts.channel }), (removed) => removed.length > 0);
      return rows.length;
    },

    async has(scope, channel, address) {
      const rows = await db
        .select({ one: sql`1` })
        .from(contacts)
        .where(and(visibleFrom(scope), eq(contacts.channel, channel), eq(contacts.address, address)))
        .limit(1);
      return rows.length > 0;
    },

    async nameFor(scope, channel, address) {
      // The scope's own name wins over a global one for the same address.
      const rows = await db
        .select({ name: contacts.name })
        .from(contacts)
        .where(and(visibleFrom(scope), eq(contacts.channel, channel), eq(contacts.address, address)))
        .orderBy(sql`${contacts.scope} = 'global'`, contacts.nameKey)
        .limit(1);
      return rows[0]?.name ?? null;
    },
  };
}

function toContact(row: ContactRow): Contact {
  return { scope: row.scope, name: row.name, channel: row.channel as Channel, address: row.address, createdAt: row.createdAt };
}
