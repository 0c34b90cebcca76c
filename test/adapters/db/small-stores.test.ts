import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStores, type Stores } from '../../../src/adapters/db/stores.js';
import { testDatabaseTargets, type TestDatabase } from '../../fakes/database.js';

describe.each(testDatabaseTargets())('contacts, conversations and dedupe on $name', (target) => {
  let database: TestDatabase;
  let stores: Stores;
  const now = new Date('2031-07-01T09:00:00.000Z');

  beforeAll(async () => {
    database = await target.open();
    stores = createStores(database);
  });
  afterAll(() => database?.drop());

  describe('ContactBook', () => {
    it('finds names case-insensitively, own scope before global, and upserts on save', async () => {
      await stores.contacts.save('global', 'Mum', 'sms', '+15550000001', now);
      await stores.contacts.save('slack:T1', 'mum', 'sms', '+15550000002', now);
      await stores.contacts.save('slack:T1', 'MUM', 'email', 'mum@example.com', now);

      const found = await stores.contacts.find('slack:T1', ' mUm ');
      expect(found.map((c) => [c.scope, c.channel, c.address])).toEqual([
        ['slack:T1', 'email', 'mum@example.com'],
        ['slack:T1', 'sms', '+15550000002'],
        ['global', 'sms', '+15550000001'],
      ]);
      // Another scope sees only the global entry.
      expect((await stores.contacts.find('telegram:42', 'Mum')).map((c) => c.address)).toEqual(['+15550000001']);

      // Saving the same name + channel again replaces the address, keeping one row.
      const updated = await stores.contacts.save('slack:T1', 'Mum', 'sms', '+15550000003', new Date(now.getTime() + 1000));
      expect(updated).toMatchObject({ scope: 'slack:T1', name: 'Mum', channel: 'sms', address: '+15550000003', createdAt: now });
      expect((await stores.contacts.find('slack:T1', 'mum')).filter((c) => c.scope === 'slack:T1')).toHaveLength(2);
    });

    it('lists what a scope can see, checks saved addresses, and removes only the scope\'s own entries', async () => {
      await stores.contacts.save('global', 'Ops', 'email', 'ops@example.com', now);
      await stores.contacts.save('telegram:7', 'Zed', 'tg', '@zed', now);
      const visible = await stores.contacts.list('telegram:7');
      expect(visible.map((c) => c.name)).toEqual(expect.arrayContaining(['Ops', 'Zed', 'Mum']));
      expect(visible.every((c) => c.scope === 'telegram:7' || c.scope === 'global')).toBe(true);
      expect((await stores.contacts.list('global')).every((c) => c.scope === 'global')).toBe(true);

      expect(await stores.contacts.has('telegram:7', 'email', 'ops@example.com')).toBe(true);
      expect(await stores.contacts.has('telegram:7', 'tg', '@zed')).toBe(true);
      expect(await stores.contacts.has('telegram:8', 'tg', '@zed')).toBe(false);
      expect(await stores.contacts.has('telegram:7', 'sms', '@zed')).toBe(false);

      expect(await stores.contacts.remove('telegram:7', 'ops')).toBe(0);
      expect(await stores.contacts.remove('telegram:7', 'ZED')).toBe(1);
      expect(await stores.contacts.find('telegram:7', 'zed')).toEqual([]);
    });
  });

  describe('ConversationStore', () => {
    it('keeps, replaces and clears a conversation\'s state', async () => {
      const key = 'slack:T1:C1:U1';
      expect(await stores.conversations.get(key)).toBeNull();
      await stores.conversations.put(key, { pending: { channel: 'sms', toName: 'Mum' }, history: [{ role: 'user', text: 'text mum' }], updatedAt: now });
      expect(await stores.conversations.get(key)).toEqual({ pending: { channel: 'sms', toName: 'Mum' }, history: [{ role: 'user', text: 'text mum' }], updatedAt: now });

      const later = new Date(now.getTime() + 5000);
      const history = [{ role: 'user' as const, text: 'text mum' }, { role: 'assistant' as const, text: 'What should it say?' }];
      await stores.conversations.put(key, { pending: null, history, updatedAt: later });
      expect(await stores.conversations.get(key)).toEqual({ pending: null, history, updatedAt: later });

      await stores.conversations.clear(key);
      expect(await stores.conversations.get(key)).toBeNull();
    });

    it('purges conversations last updated before a moment, keeping newer ones, whatever their key', async () => {
      const week = 7 * 86_400_000;
      const state = (updatedAt: Date) => ({ pending: { channel: 'sms' as const }, history: [{ role: 'user' as const, text: 'text' }], updatedAt });
      const cutoff = new Date(now.getTime() - week);
      await stores.conversations.put('slack:T9:C9:U-old', state(new Date(cutoff.getTime() - 1)));
      await stores.conversations.put('telegram-edit:-100123:55', state(new Date(cutoff.getTime() - week)));
      await stores.conversations.put('slack:T9:C9:U-edge', state(cutoff));
      await stores.conversations.put('telegram:42:42', state(now));

      expect(await stores.conversations.purge(cutoff, 100)).toBe(2);
      expect(await stores.conversations.get('slack:T9:C9:U-old')).toBeNull();
      expect(await stores.conversations.get('telegram-edit:-100123:55')).toBeNull();
      // Updated exactly at the cutoff, or later: kept.
      expect(await stores.conversations.get('slack:T9:C9:U-edge')).toEqual(state(cutoff));
      expect(await stores.conversations.get('telegram:42:42')).toEqual(state(now));
      expect(await stores.conversations.purge(cutoff, 100)).toBe(0);
    });
  });

  describe('InboundDedupe', () => {
    it('says yes the first time an event is seen and no on a retry, per source', async () => {
      expect(await stores.dedupe.firstSeen('slack', 'Ev1', now)).toBe(true);
      expect(await stores.dedupe.firstSeen('slack', 'Ev1', now)).toBe(false);
      expect(await stores.dedupe.firstSeen('telegram', 'Ev1', now)).toBe(true);
      const racing = await Promise.all([stores.dedupe.firstSeen('slack', 'Ev2', now), stores.dedupe.firstSeen('slack', 'Ev2', now)]);
      expect(racing.filter(Boolean)).toHaveLength(1);
    });

    it('purges old events, which may then be seen again', async () => {
      const old = new Date(now.getTime() - 86_400_000);
      await stores.dedupe.firstSeen('slack', 'Old1', old);
      expect(await stores.dedupe.purge(new Date(now.getTime() - 1000), 100)).toBe(1);
      expect(await stores.dedupe.firstSeen('slack', 'Old1', now)).toBe(true);
      expect(await stores.dedupe.firstSeen('slack', 'Ev1', now)).toBe(false);
    });
  });
});
