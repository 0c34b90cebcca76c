/**
 * The README's SQL for running relaybot as a role that does not own the
 * tables, run as written on PostgreSQL: that role cannot switch the audit
 * log's append-only trigger off, nor replicate around it, nor rewrite audit
 * rows — and the application's normal work runs under it. PostgreSQL only
 * (PGlite has no roles to speak of): skipped without TEST_DATABASE_URL.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStores, migrateDatabase, openDatabase, type Database, type Stores } from '../../../src/adapters/db/index.js';
import { testDatabaseTargets, type TestDatabase } from '../../fakes/database.js';
import { databaseUrl } from '../../reliability/replicas.js';
import { errorText, freshActor, MINUTE, newDraft } from './helpers.js';

const postgres = testDatabaseTargets().find((t) => t.name === 'postgres');
if (!postgres) console.log('app-role: skipped — set TEST_DATABASE_URL to check the non-owner role on PostgreSQL');

/** The README's block after its `app-role.sql` marker, for this role and database. */
function readmeRoleSql(role: string, databaseName: string): string {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const block = /<!-- app-role\.sql[^>]*-->\n```sql\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no app-role.sql block');
  return block.replaceAll('relaybot_app', role).replace('ON DATABASE relaybot TO', `ON DATABASE ${databaseName} TO`);
}

async function asServerAdmin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

describe.skipIf(!postgres)('the application as a role that does not own the tables', () => {
  const role = `relaybot_app_${randomBytes(4).toString('hex')}`;
  let owner: TestDatabase;
  let app: Database;
  let stores: Stores;

  beforeAll(async () => {
    owner = await postgres!.open();
    const url = new URL(databaseUrl(owner));
    if (owner.kind !== 'postgres') throw new Error('expected PostgreSQL');
    await owner.client.query(readmeRoleSql(role, url.pathname.slice(1)));
    url.username = role;
    url.password = 'change-me';
    app = await openDatabase({ databaseUrl: url.toString(), dataDir: 'memory://', auditKey: owner.auditKey });
    // What every start does: nothing is left to apply, so the role needs no DDL rights.
    await migrateDatabase(app);
    stores = createStores(app);
  });
  afterAll(async () => {
    await app?.close();
    await owner?.drop();
    await asServerAdmin(`drop role if exists ${role}`);
  });

  const refusal = (statement: string) => app.db.execute(sql.raw(statement)).then(() => 'allowed', (e: unknown) => errorText(e));

  it('cannot disable the append-only trigger, set session_replication_role, or change audit rows', async () => {
    const refusals = {
      'alter table audit_events disable trigger user': /must be owner of table audit_events/,
      'alter table audit_events disable trigger audit_events_append_only': /must be owner of table audit_events/,
      'drop trigger audit_events_append_only on audit_events': /must be owner of (table|relation) audit_events/,
      'set session_replication_role = replica': /permission denied to set parameter "session_replication_role"/,
      "update audit_events set action = 'x'": /permission denied for table audit_events/,
      'delete from audit_events': /permission denied for table audit_events/,
      'truncate audit_events': /permission denied for table audit_events/,
      "update audit_pending set action = 'x'": /permission denied for table audit_pending/,
      'truncate audit_pending': /permission denied for table audit_pending/,
    };
    for (const [statement, expected] of Object.entries(refusals)) expect(await refusal(statement), statement).toMatch(expected);
  });

  it('does its normal work: drafts, decisions, deliveries, expiry, contacts, conversations, dedupe, agents\' cards, opt-outs, chats and the audit log', async () => {
    const ada = freshActor();
    const now = new Date();
    const draft = await stores.drafts.create(newDraft(ada), now, { actor: ada, action: 'draft.created' });
    await stores.drafts.setCardRef(draft.id, 'card-1');
    await stores.drafts.edit(draft.id, 1, { text: 'Edited.' }, now, { actor: ada, action: 'draft.edited' });
    await stores.drafts.confirm(draft.id, 2, ada, now, { actor: ada, action: 'draft.confirmed' }, () => {});
    const [job] = await stores.deliveries.claim(now, MINUTE, 10);
    await stores.deliveries.retryAt(job!.draft.id, now, 'busy', { actor: null, action: 'delivery.retry' });
    await stores.deliveries.claim(now, MINUTE, 10);
    await stores.deliveries.release(draft.id);
    await stores.deliveries.claim(now, MINUTE, 10);
    expect(await stores.deliveries.succeed(draft.id, { dryRun: true, relayMessageId: null }, now, { actor: null, action: 'delivery.sent' })).toMatchObject({ status: 'sent' });
    const other = await stores.drafts.create(newDraft(ada), now, { actor: ada, action: 'draft.created' });
    await stores.drafts.cancel(other.id, other.version, ada, now, { actor: ada, action: 'draft.cancelled' });
    await stores.drafts.create(newDraft(ada, { ttlMs: 1 }), now, { actor: ada, action: 'draft.created' });
    expect(await stores.drafts.expireDue(new Date(now.getTime() + 1000), 10)).toHaveLength(1);
    await stores.drafts.rateCounts(ada, 'sms', '+15551234567', now);

    await stores.contacts.save('global', 'Ops', 'email', 'ops@example.com', now);
    await stores.contacts.save('global', 'Ops', 'email', 'ops2@example.com', now);
    expect(await stores.contacts.remove('global', 'ops')).toBe(1);
    await stores.conversations.put('k', { pending: null, history: [], updatedAt: now });
    await stores.conversations.put('k', { pending: null, history: [], updatedAt: now });
    await stores.conversations.clear('k');
    await stores.conversations.purge(now, 100);
    expect(await stores.dedupe.firstSeen('slack', 'E1', now)).toBe(true);
    expect(await stores.dedupe.firstSeen('slack', 'E1', now)).toBe(false);
    await stores.dedupe.purge(new Date(now.getTime() + 1), 100);

    // Agents' cards, opt-outs and the console's chats (the tables added since the first grants).
    await stores.draftCards.add(draft.id, 'slack|C1:1.0', now);
    expect(await stores.draftCards.list(draft.id)).toEqual(['slack|C1:1.0']);
    expect(await stores.optOuts.add('+15550001111', ada, now, { actor: ada, action: 'optout.added' })).toBe(true);
    expect(await stores.optOuts.has('+15550001111')).toBe(true);
    expect(await stores.optOuts.remove('+15550001111', now, { actor: ada, action: 'optout.removed' })).toBe(true);
    await stores.chats.append('ada', 'chat-1', [{ role: 'user', text: 'hello' }, { role: 'assistant', text: 'hi' }], now);
    await stores.chats.append('ada', 'chat-1', [{ role: 'user', text: 'again' }], now);
    expect((await stores.chats.get('ada', 'chat-1'))?.messages).toHaveLength(3);
    expect(await stores.chats.purge(new Date(now.getTime() + 1), 100)).toBeGreaterThan(0);

    expect((await stores.audit.list({ draftId: draft.id })).map((e) => e.action)).toContain('delivery.sent');
    expect(await stores.audit.verify()).toMatchObject({ ok: true, legacy: 0 });
    expect(await stores.audit.checkpoint()).toMatchObject({ seq: expect.any(Number) });
  });
});
