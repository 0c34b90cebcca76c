import { createHash, createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson, checkpointMac, eventMac, keyedEntryHash, legacyEntryHash } from '../../../src/adapters/db/audit-hash.js';
import { AuditKey } from '../../../src/adapters/db/audit-key.js';
import { appendAudit } from '../../../src/adapters/db/audit-log.js';
import { createStores, type Stores } from '../../../src/adapters/db/stores.js';
import { testDatabaseTargets, type TestDatabase } from '../../fakes/database.js';
import { errorText, event, freshActor } from './helpers.js';

describe('audit hash definition', () => {
  const entry = { seq: 1, at: new Date('2031-01-02T03:04:05.678Z'), actor: { platform: 'web' as const, userId: 'u1' }, action: 'draft.created', draftId: 'd1', details: { b: 1, a: 2 } };
  const content = '"action":"draft.created","actor":{"name":null,"platform":"web","userId":"u1"},"at":"2031-01-02T03:04:05.678Z","details":{"a":2,"b":1},"draftId":"d1"';

  it('hashes a legacy (unkeyed) entry as SHA-256 of the previous hash plus the entry as canonical JSON with sorted keys', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: null }], a: 'x', skipped: undefined })).toBe('{"a":"x","b":[3,{"a":null,"z":1}]}');
    const body = `{${content},"seq":1}`;
    expect(legacyEntryHash(GENESIS_HASH, entry)).toBe(createHash('sha256').update(GENESIS_HASH + body).digest('hex'));
  });

  it('MACs an event, links a keyed entry and signs a checkpoint with HMAC-SHA256 under AUDIT_KEY', () => {
    const secret = 'k'.repeat(32);
    const key = new AuditKey(secret);
    const hmac = (text: string) => createHmac('sha256', secret).update(text).digest('hex');
    const mac = eventMac(key, entry);
    expect(mac).toBe(hmac(`{${content}}`));
    expect(keyedEntryHash(key, GENESIS_HASH, { ...entry, mac })).toBe(hmac(`${GENESIS_HASH}{${content},"mac":"${mac}","seq":1}`));
    expect(checkpointMac(key, { seq: 7, hash: 'ab', at: '2031-01-02T03:04:05.678Z' })).toBe(hmac('{"at":"2031-01-02T03:04:05.678Z","hash":"ab","seq":7}'));
    // Another key, another mac: without the key nobody can make one.
    expect(eventMac(new AuditKey('x'.repeat(32)), entry)).not.toBe(mac);
  });
});

describe.each(testDatabaseTargets())('AuditLog on $name', (target) => {
  let database: TestDatabase;
  let stores: Stores;

  beforeAll(async () => {
    database = await target.open();
    stores = createStores(database);
  });
  afterAll(() => database?.drop());

  /** Append, then read the entry back from the chain (reads seal what is pending first). */
  async function appendAndRead(input: Parameters<Stores['audit']['append']>[0]) {
    await stores.audit.append(input);
    const [entry] = await stores.audit.list({ limit: 1 });
    return entry!;
  }

  it('chains every entry to the one before and verifies the whole chain', async () => {
    const ada = freshActor();
    const first = await appendAndRead(event('test.first', ada, { n: 1 }));
    const second = await appendAndRead(event('test.second', null));
    expect(second.seq).toBe(first.seq + 1);
    expect(second.prevHash).toBe(first.hash);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    // Appends from many callers at once, sealed by two sealers (as two replicas would), still form one unbroken chain.
    const replica = createStores(database);
    await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? replica : stores).audit.append(event('test.concurrent', ada, { i }))));
    await Promise.all([replica.auditSealer.flush(), stores.auditSealer.flush()]);
    const result = await stores.audit.verify();
    expect(result).toEqual({ ok: true, count: second.seq + 16, legacy: 0, head: { seq: second.seq + 16, hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const concurrent = await stores.audit.list({ actor: `${ada.platform}:${ada.userId}`, limit: 100 });
    expect(concurrent.filter((e) => e.action === 'test.concurrent').map((e) => e.details.i).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 16 }, (_, i) => i),
    );
  });

  it('chains events a process committed but never sealed (it crashed) at the next read', async () => {
    // appendAudit alone is what a store does inside its transaction; the sealer is never told.
    await appendAudit(database.db, database.auditKey, event('test.unsealed', null, { n: 1 }));
    const [pending] = (await database.db.execute(sql`select count(*)::int as n from audit_pending`)).rows as { n: number }[];
    expect(pending?.n).toBeGreaterThan(0);
    expect((await createStores(database).audit.list({ limit: 1 }))[0]).toMatchObject({ action: 'test.unsealed' });
    expect((await stores.audit.verify()).ok).toBe(true);
  });

  it('has the database refuse rewriting a pending audit event', async () => {
    for (const statement of [sql`update audit_pending set action = 'x'`, sql`truncate audit_pending`]) {
      const error = await database.db.execute(statement).then(() => null, (e: unknown) => e);
      expect(errorText(error)).toMatch(/audit_pending is append-only: (UPDATE|TRUNCATE) is not allowed/);
    }
  });

  it('writes nothing when the surrounding transaction rolls back', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await appendAudit(tx, database.auditKey, event('test.rolled_back'));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await stores.audit.list({ limit: 1000 })).not.toContainEqual(expect.objectContaining({ action: 'test.rolled_back' }));
    expect((await stores.audit.verify()).ok).toBe(true);
  });

  it('redacts secrets in details before storing and hashing, but keeps the idempotency key', async () => {
    const entry = await appendAndRead(
      event('relay.attempt', null, {
        idempotency_key: 'relaybot-123',
        apiKey: 'k-1',
        headers: { Authorization: 'Bearer abc.def', 'x-request-id': 'r1' },
        nested: [{ password: 'hunter2', SLACK_BOT_TOKEN: 'xoxb-1-2-3' }],
        error: 'relay said 401 to Bearer s3cr3t-value',
        at: new Date('2031-01-01T00:00:00.000Z'),
      }),
    );
    const expected = {
      idempotency_key: 'relaybot-123',
      apiKey: '[redacted]',
      headers: { Authorization: '[redacted]', 'x-request-id': 'r1' },
      nested: [{ password: '[redacted]', SLACK_BOT_TOKEN: '[redacted]' }],
      error: 'relay said 401 to Bearer [redacted]',
      at: '2031-01-01T00:00:00.000Z',
    };
    expect(entry.details).toEqual(expected);
    const [stored] = await stores.audit.list({ limit: 1 });
    expect(stored).toMatchObject({ seq: entry.seq, details: expected });
    expect(JSON.stringify(stored)).not.toMatch(/hunter2|abc\.def|s3cr3t|xoxb/);
    expect((await stores.audit.verify()).ok).toBe(true);
  });

  it('lists entries newest first, filtered by draft, actor and time', async () => {
    const bob = freshActor('Bob');
    const t = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s));
    await database.db.transaction(async (tx) => {
      await appendAudit(tx, database.auditKey, { ...event('test.list', bob), draftId: 'draft-a' }, t(1));
      await appendAudit(tx, database.auditKey, { ...event('test.list', bob), draftId: 'draft-b' }, t(2));
      await appendAudit(tx, database.auditKey, { ...event('test.list', null), draftId: 'draft-a' }, t(3));
    });
    const mine = await stores.audit.list({ actor: `${bob.platform}:${bob.userId}` });
    expect(mine.map((e) => e.draftId)).toEqual(['draft-b', 'draft-a']);
    expect(mine[0]?.actor).toEqual(bob);
    expect((await stores.audit.list({ draftId: 'draft-a' })).map((e) => e.actor?.userId ?? null)).toEqual([null, bob.userId]);
    expect((await stores.audit.list({ since: t(2), until: t(3) })).map((e) => e.at)).toEqual([t(3), t(2)]);
    expect(await stores.audit.list({ actor: `${bob.platform}:${bob.userId}`, limit: 1 })).toHaveLength(1);
  });

  it('has the database refuse UPDATE, DELETE and TRUNCATE on the audit log', async () => {
    for (const statement of [sql`update audit_events set action = 'x'`, sql`delete from audit_events`, sql`truncate audit_events`]) {
      const error = await database.db.execute(statement).then(() => null, (e: unknown) => e);
      expect(errorText(error)).toMatch(/audit_events is append-only: (UPDATE|DELETE|TRUNCATE) is not allowed/);
    }
    expect((await stores.audit.verify()).ok).toBe(true);
  });

  it('names the first tampered entry when someone edits a row with the trigger switched off', async () => {
    const victim = await appendAndRead(event('draft.created', freshActor(), { text: 'Pay invoice 17' }));
    await appendAndRead(event('test.after'));
    await withTriggersOff(sql`update audit_events set details = '{"text":"Pay invoice 71"}' where seq = ${victim.seq}`);
    expect(await stores.audit.verify()).toEqual({ ok: false, count: victim.seq - 1, brokenSeq: victim.seq, reason: expect.stringMatching(/hash mismatch/) });

    // Put it back: the chain is whole again.
    await withTriggersOff(sql`update audit_events set details = ${JSON.stringify(victim.details)}::jsonb where seq = ${victim.seq}`);
    expect((await stores.audit.verify()).ok).toBe(true);
  });

  it('names a deleted entry as missing', async () => {
    const victim = await appendAndRead(event('draft.confirmed', null, { n: 1 }));
    await appendAndRead(event('test.after'));
    const [{ mac }] = (await database.db.execute(sql`select mac from audit_events where seq = ${victim.seq}`)).rows as [{ mac: string }];
    await withTriggersOff(sql`delete from audit_events where seq = ${victim.seq}`);
    expect(await stores.audit.verify()).toMatchObject({ ok: false, brokenSeq: victim.seq, reason: expect.stringMatching(/missing/) });

    await database.db.execute(
      sql`insert into audit_events (seq, at, action, draft_id, details, mac, prev_hash, hash)
          values (${victim.seq}, ${victim.at.toISOString()}, ${victim.action}, null, ${JSON.stringify(victim.details)}::jsonb, ${mac}, ${victim.prevHash}, ${victim.hash})`,
    );
    expect((await stores.audit.verify()).ok).toBe(true);
  });

  /** What an attacker with owner rights can do: switch the append-only trigger off, change, switch it on. */
  async function withTriggersOff(statement: ReturnType<typeof sql>): Promise<void> {
    await database.db.execute(sql`alter table audit_events disable trigger user`);
    try {
      await database.db.execute(statement);
    } finally {
      await database.db.execute(sql`alter table audit_events enable trigger user`);
    }
  }
});
