/**
 * The console's server side: chats kept per person across requests, the
 * status and audit-verify answers the header and badge show, the audit CSV,
 * and what a draft view says about the recipient. On PGlite and, when
 * TEST_DATABASE_URL is set, PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '../../fakes/database.js';
import { draftVia, postJson, chatBody, readEvents, startWebFixture, type WebFixture } from './web-fixture.js';

interface ChatsBody {
  chats: { id: string; title: string; updatedAt: string }[];
}
interface ChatBody {
  chat: { id: string; title: string };
  messages: { seq: number; role: string; text: string; draftId: string | null; at: string }[];
}

describe.each(testDatabaseTargets())('console API on $name', (target) => {
  let web: WebFixture;
  beforeAll(async () => {
    web = await startWebFixture({ database: await target.open() });
  });
  afterAll(async () => {
    await web?.close();
  });
  const get = (path: string) => fetch(`${web.base}${path}`);

  it('keeps each exchange of a chat, with the draft it made, for that person only', async () => {
    const draftId = await draftVia(web.base, 'chat-a', 'text +15551234567 Build finished successfully.', 'alice');
    await readEvents(await postJson(`${web.base}/api/chat`, chatBody('chat-a', 'what can you do?', 'alice')));

    const list = (await (await get('/api/chats?userId=alice')).json()) as ChatsBody;
    expect(list.chats).toEqual([expect.objectContaining({ id: 'chat-a', title: 'text +15551234567 Build finished successfully.' })]);

    const chat = (await (await get('/api/chats/chat-a?userId=alice')).json()) as ChatBody;
    expect(chat.messages.map((m) => [m.role, m.draftId !== null])).toEqual([
      ['user', false], ['assistant', true], ['user', false], ['assistant', false],
    ]);
    expect(chat.messages[0]!.text).toBe('text +15551234567 Build finished successfully.');
    expect(chat.messages[1]!.draftId).toBe(draftId);
    expect(chat.messages[1]!.text).toMatch(/Here is your draft/);

    // Only what came after the last message a tab has.
    const after = (await (await get(`/api/chats/chat-a?userId=alice&after=${chat.messages[1]!.seq}`)).json()) as ChatBody;
    expect(after.messages.map((m) => m.text)).toEqual([chat.messages[2]!.text, chat.messages[3]!.text]);

    // Another person neither lists nor reads it, even knowing the id.
    expect(((await (await get('/api/chats?userId=mallory')).json()) as ChatsBody).chats).toEqual([]);
    const other = await get('/api/chats/chat-a?userId=mallory');
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ code: 'not_found:chat' });
  });

  it('lists the most recently used chat first', async () => {
    await draftVia(web.base, 'chat-1', 'text +15551234567 one', 'bob');
    await draftVia(web.base, 'chat-2', 'text +15551234567 two', 'bob');
    await draftVia(web.base, 'chat-1', 'text +15551234567 three', 'bob');
    const list = (await (await get('/api/chats?userId=bob')).json()) as ChatsBody;
    expect(list.chats.map((c) => [c.id, c.title])).toEqual([['chat-1', 'text +15551234567 one'], ['chat-2', 'text +15551234567 two']]);
  });

  it('refuses bad queries with a sentence naming the field', async () => {
    const res = await get('/api/chats/chat-a?userId=alice&after=soon');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: expect.stringMatching(/^after: /), code: 'invalid:request' });
    const big = await get('/api/chats?limit=100000');
    expect(big.status).toBe(400);
    expect(((await big.json()) as { error: string }).error).toMatch(/^limit: must be at most 200/);
  });

  it('says the dry-run relay is active, and the chain verifies with its head', async () => {
    expect(await (await get('/api/status')).json()).toEqual({ dryRun: true, approval: 'requester' });
    const verified = (await (await get('/api/audit/verify')).json()) as { ok: boolean; count: number; head: { seq: number } };
    expect(verified.ok).toBe(true);
    expect(verified.head.seq).toBe(verified.count);
    expect(verified.count).toBeGreaterThan(0);
  });

  it('previews what the recipient gets: contact name, SMS segments and encoding, the dry-run mark', async () => {
    await web.app.stores.contacts.save('web', 'Bob', 'sms', '+15551239999', new Date());
    const id = await draftVia(web.base, 'chat-p', 'text bob Lunch at noon? 🍕', 'carol');
    const { draft } = (await (await get(`/api/drafts/${id}`)).json()) as { draft: { to: string; card: { preview: unknown } } };
    expect(draft.to).toBe('+15551239999');
    expect(draft.card.preview).toEqual({ recipientName: 'Bob', sms: { segments: 1, encoding: 'UCS-2', characters: 16 }, dryRun: true });

    const long = await draftVia(web.base, 'chat-p', `text +15551234567 ${'a'.repeat(161)}`, 'carol');
    const longView = (await (await get(`/api/drafts/${long}`)).json()) as { draft: { card: { preview: unknown } } };
    expect(longView.draft.card.preview).toEqual({ recipientName: null, sms: { segments: 2, encoding: 'GSM-7', characters: 161 }, dryRun: true });
  });

  it('exports the audit as CSV with the same filters, in UTC, with formulas defused', async () => {
    const id = await draftVia(web.base, 'chat-csv', 'text +15551234567 =HYPERLINK("http://evil.example","click")', 'dave');
    const res = await get(`/api/audit.csv?draftId=${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="?relaybot-audit.csv"?/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('seq,at_utc,who,platform,user_id,action,what_happened,draft_id,details,hash');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^\d+,\d{4}-\d\d-\d\dT[\d:.]+Z,dave,web,dave,draft\.created,dave asked for a draft to \+15551234567,/);
    // No field starts with a formula character: the message text sits inside the JSON details, quoted.
    for (const field of lines[1]!.match(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)!.map((f) => f.replace(/^,/, '').replace(/^"/, ''))) {
      expect(field).not.toMatch(/^[=+\-@]/);
    }
    const bad = await get('/api/audit.csv?since=yesterday');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^since: /);
  });

  it('tells each audit entry in plain words', async () => {
    const id = await draftVia(web.base, 'chat-s', 'text +15551234567 hello', 'erin');
    await postJson(`${web.base}/api/drafts/${id}/confirm`, { userId: 'erin', version: 1 });
    await web.app.drain();
    const { entries } = (await (await get(`/api/audit?draftId=${id}`)).json()) as { entries: { says: string }[] };
    expect(entries.map((e) => e.says)).toEqual([
      'Dry run recorded — nothing was sent, attempt 1',
      'Delivery started, attempt 1',
      'erin approved v1',
      'erin asked for a draft to +15551234567',
    ]);
  });

  it('forgets chats unused past the retention period, messages first, and keeps recent ones', async () => {
    const { chats } = web.app.stores;
    const old = new Date(Date.now() - 200 * 86_400_000);
    await chats.append('frank', 'chat-old', [{ role: 'user', text: 'long ago' }, { role: 'assistant', text: 'ok' }], old);
    await chats.append('frank', 'chat-new', [{ role: 'user', text: 'today' }], new Date());
    const before = new Date(Date.now() - 90 * 86_400_000);
    expect(await chats.purge(before, 1)).toBe(1);
    expect(await chats.purge(before, 10)).toBe(2);
    expect((await chats.list('frank')).map((c) => c.id)).toEqual(['chat-new']);
    expect((await chats.get('frank', 'chat-new'))?.messages.map((m) => m.text)).toEqual(['today']);
  });
});
