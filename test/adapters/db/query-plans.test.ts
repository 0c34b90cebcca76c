/**
 * Every statement a message runs uses an index, so its cost does not grow
 * with the history the database holds. The stores run their real code paths
 * over a drizzle handle whose logger records each statement and its
 * parameters; each recorded statement is then EXPLAINed on a database seeded
 * with a day of traffic (and ANALYZEd), both as planned for its parameters
 * and as the generic plan a prepared statement may settle on. A sequential
 * scan of a table that grows with traffic fails the test.
 *
 * PostgreSQL only (TEST_DATABASE_URL): PGlite runs the same planner, but
 * production-sized histories live on PostgreSQL. Before these changes it
 * found the rate counts (drafting and confirm), the outcome statement, the
 * claim's generic plan and the sealer's move each reading a whole table.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDb } from '../../../src/adapters/db/client.js';
import * as schema from '../../../src/adapters/db/schema.js';
import { createStores, type Stores } from '../../../src/adapters/db/stores.js';
import { assertWithinRateLimits, defaultPolicy } from '../../../src/core/policy.js';
import { testDatabaseTargets, type TestDatabase } from '../../fakes/database.js';
import { seedHistory } from '../../fakes/history.js';
import { event, freshActor, newDraft } from './helpers.js';

const postgres = testDatabaseTargets().find((t) => t.name === 'postgres');
if (!postgres) console.log('query-plans: skipped — set TEST_DATABASE_URL to check the plans on PostgreSQL');

/** Tables that grow with traffic: none may be read whole by a hot statement. */
const GROWING = ['drafts', 'deliveries', 'audit_events', 'audit_pending', 'conversations', 'inbound_events', 'opt_outs', 'draft_cards', 'chats', 'chat_messages'];

interface Recorded {
  step: string;
  text: string;
  params: unknown[];
}

describe.skipIf(!postgres)('query plans of the hot statements on PostgreSQL', () => {
  let database: TestDatabase & { kind: 'postgres' };
  let stores: Stores;
  const recorded: Recorded[] = [];
  let step = '';
  const now = new Date();
  const later = (ms: number) => new Date(now.getTime() + ms);

  beforeAll(async () => {
    database = (await postgres!.open()) as TestDatabase & { kind: 'postgres' };
    const query = (text: string, values?: unknown[]) => database.client.query(text, values);
    await seedHistory(query, {
      drafts: 20_000, now, audit: 'chained',
      extras: { oldDrafts: 2_000, oldDays: 100, backlog: 2_000, conversations: 10_000, inboundEvents: 10_000 },
    });
    // The console's chats: 2,000 people with 5 chats of 10 messages each.
    await query(`insert into chats (user_id, id, title, created_at, updated_at)
      select 'u' || (g % 2000), 'chat-' || g, 'title', now() - g * interval '1 minute', now() - g * interval '1 minute' from generate_series(1, 10000) g`);
    await query(`insert into chat_messages (user_id, chat_id, role, text, draft_id, at)
      select 'u' || (g % 2000), 'chat-' || g, 'user', 'hello', null, now() from generate_series(1, 10000) g, generate_series(1, 10) m`);
    const logger = { logQuery: (text: string, params: unknown[]) => void recorded.push({ step, text, params }) };
    const db: AppDb = drizzle({ client: database.client, schema, logger });
    stores = createStores({ ...database, db });
  }, 120_000);
  afterAll(() => database?.drop());

  /** Run `work` with its statements labelled `name`. */
  async function as<T>(name: string, work: () => Promise<T>): Promise<T> {
    step = name;
    try {
      return await work();
    } finally {
      step = '';
    }
  }

  it('reads drafts, deliveries, the audit log, conversations, chats and dedupe ids through indexes only', async () => {
    const policy = { ...defaultPolicy(), rateLimits: { perSenderPerHour: 100_000, perRecipientPerDay: 100_000, globalPerMinute: 100_000, pendingPerSender: 100_000 } };
    const limits = (counts: Parameters<typeof assertWithinRateLimits>[1]) => assertWithinRateLimits(policy, counts);
    const ada = freshActor();
    const { conversations, dedupe, drafts, deliveries, audit, auditSealer } = stores;

    await as('conversation get', () => conversations.get('slack:THIST:CHIST:42'));
    await as('conversation put', () => conversations.put('slack:T1:C1:new', { pending: null, history: [], updatedAt: now }));
    await as('dedupe', () => dedupe.firstSeen('slack', 'Ev-plan', now));
    await as('rate counts (drafting)', () => drafts.rateCounts(ada, 'sms', '+15550000042', now));
    const made = await as('draft create', () =>
      Promise.all(Array.from({ length: 6 }, () => drafts.create(newDraft(ada, { to: '+15550000042' }), now, event('draft.created', ada)))),
    );
    const [a, b, c, d, e, f] = made.map((x) => x.id) as [string, string, string, string, string, string];
    await as('draft get', () => drafts.get(a));
    await as('card reference', () => drafts.setCardRef(a, 'C1:1700000000.000100'));
    await as('draft edit', () => drafts.edit(f, 1, { text: 'Edited.' }, now, event('draft.edited', ada)));
    await as('draft cancel', () => drafts.cancel(f, 2, ada, now, event('draft.cancelled', ada)));
    await as('confirm round (lock, rate count, decide)', () =>
      Promise.all([a, b, c, d, e].map((id) => drafts.confirm(id, 1, ada, now, event('draft.confirmed', ada), limits))),
    );
    const jobs = await as('claim', () => deliveries.claim(now, 30_000, 10));
    expect(jobs.map((j) => j.draft.id).sort()).toEqual([a, b, c, d, e].sort());
    await as('succeed', () => deliveries.succeed(a, { dryRun: false, relayMessageId: 'm-1' }, now, event('draft.sent')));
    await as('fail', () => deliveries.fail(b, 'The relay refused the number.', now, event('draft.failed')));
    await as('retry', () => deliveries.retryAt(c, later(60_000), 'relay answered 503', event('relay.attempt')));
    await as('release', () => deliveries.release(d));
    // Scheduled sends: the job is due at sendAt (deliveries_due_idx on next_attempt_at), cancel races the claim on it.
    const dueAt = later(2 * 3_600_000);
    const [g, h] = await as('scheduled draft create', () =>
      Promise.all([0, 1].map(() => drafts.create(newDraft(ada, { to: '+15550000043', sendAt: dueAt }), now, event('draft.created', ada)))),
    );
    await as('scheduled confirm', () => Promise.all([g!, h!].map((x) => drafts.confirm(x.id, 1, ada, now, event('draft.confirmed', ada), limits))));
    await as('cancel a scheduled send', () => drafts.cancelScheduled(h!.id, ada, now, event('draft.cancelled', ada)));
    expect((await drafts.get(g!.id))?.status).toBe('scheduled');
    expect((await drafts.get(h!.id))?.status).toBe('cancelled');
    // (The seeded backlog is due first; this checks the plan, scheduled-sends.test.ts the outcome.)
    await as('claim a scheduled job at its time', () => deliveries.claim(dueAt, 30_000, 10));
    await as('opt-out add', () => stores.optOuts.add('+15550000099', ada, now, event('optout.added', ada)));
    await as('opt-out lookup (drafting and send time)', () => stores.optOuts.has('+15550000042'));
    await as('agent card add', () => stores.draftCards.add(e, 'slack|msg:C1:1700000000.000200', now));
    await as('agent card list', () => stores.draftCards.list(e));
    await as('inbox: own pending', () => stores.pendingDrafts.ofRequester(ada, now, 100));
    await as('inbox: agents\' pending', () => stores.pendingDrafts.ofAgents(now, 100));
    await as('inbox: all pending (four-eyes)', () => stores.pendingDrafts.all(now, 100));
    await as('pending in a chat (bot removed)', () => drafts.listPendingInChat('slack', 'CHIST', now));
    await as('expiry sweep', () => drafts.expireDue(later(60 * 60_000), 100));
    await as('sealer batch', () => auditSealer.flush());
    await as('audit list by draft', () => audit.list({ draftId: a }));
    await as('retention: drafts', () => drafts.purgeDecided(new Date(now.getTime() - 90 * 86_400_000), 500));
    await as('retention: conversations', () => conversations.purge(new Date(now.getTime() - 7 * 86_400_000), 500));
    await as('chat append', () => stores.chats.append('u7', 'chat-7', [{ role: 'user', text: 'hi' }, { role: 'assistant', text: 'hello', draftId: a }], now));
    await as('chat list', () => stores.chats.list('u7'));
    await as('chat read (after a seq)', () => stores.chats.get('u7', 'chat-7', { afterSeq: 5 }));
    await as('contact name for a card', () => stores.contacts.nameFor('web', 'sms', '+15550000042'));
    await as('retention: chats', () => stores.chats.purge(new Date(now.getTime() - 90 * 86_400_000), 500));
    await as('retention: dedupe', () => dedupe.purge(new Date(now.getTime() - 86_400_000), 500));
    await auditSealer.flush();

    // audit_pending is empty between bursts; fill it as a burst would, so its plans are the ones that matter.
    await database.client.query(`insert into audit_pending (at, action, draft_id, details)
      select now(), 'draft.seeded', 'hist-' || g, '{}'::jsonb from generate_series(1, 20000) g`);
    // A long-lived opt-out list, so its lookup's plan is the one that matters.
    await database.client.query(`insert into opt_outs (address, created_at)
      select '+1444' || lpad(g::text, 7, '0'), now() from generate_series(1, 20000) g`);
    // Agents' drafts have a card or two each: give every seeded draft one, as a history of agent requests would.
    await database.client.query(`insert into draft_cards (draft_id, ref, created_at) select id, 'slack|msg:CHIST:' || id, now() from drafts on conflict do nothing`);
    await database.client.query('analyze');

    const hot = recorded.filter((r) => r.step && !/^\s*(begin|commit|rollback)\b/i.test(r.text));
    // Every step ran at least one statement (a recording that missed one would check nothing).
    expect(new Set(hot.map((s) => s.step)).size).toBe(38);
    const statements = unique(hot);
    const scans: string[] = [];
    for (const statement of statements) {
      for (const mode of ['custom', 'generic'] as const) {
        for (const table of seqScans(await explain(database.client, statement, mode))) {
          scans.push(`${statement.step} (${mode} plan): sequential scan of ${table} in ${statement.text.replace(/\s+/g, ' ').slice(0, 160)}`);
        }
      }
    }
    expect(scans).toEqual([]);
  }, 120_000);
});

function unique(statements: Recorded[]): Recorded[] {
  const seen = new Set<string>();
  return statements.filter((s) => !seen.has(s.text) && seen.add(s.text));
}

/** The plan as JSON: `custom` plans for these parameters; `generic` is what a prepared statement may reuse for any. */
async function explain(pool: pg.Pool, statement: Recorded, mode: 'custom' | 'generic'): Promise<unknown> {
  const client = await pool.connect();
  try {
    if (mode === 'custom') {
      const { rows } = await client.query(`explain (format json) ${statement.text}`, statement.params);
      return rows[0]['QUERY PLAN'];
    }
    await client.query('set plan_cache_mode = force_generic_plan');
    await client.query(`prepare plan_check as ${statement.text}`);
    try {
      const args = statement.params.map((p) => literal(client, p));
      const { rows } = await client.query(`explain (format json) execute plan_check${args.length > 0 ? `(${args.join(', ')})` : ''}`);
      return rows[0]['QUERY PLAN'];
    } finally {
      await client.query('deallocate plan_check');
      await client.query('reset plan_cache_mode');
    }
  } finally {
    client.release();
  }
}

function literal(client: pg.PoolClient, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return client.escapeLiteral(value.toISOString());
  return client.escapeLiteral(typeof value === 'string' ? value : JSON.stringify(value));
}

/** Growing tables a plan reads with a sequential scan. */
function seqScans(plan: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n['Node Type'] === 'Seq Scan' && GROWING.includes(String(n['Relation Name']))) found.push(String(n['Relation Name']));
    for (const value of Object.values(n)) if (typeof value === 'object') walk(value);
  };
  walk(plan);
  return found;
}
