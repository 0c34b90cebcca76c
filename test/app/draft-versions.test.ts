/**
 * RelayBot's version checks where the front-ends cannot reach them: a decision
 * that loses a race to an edit (made on another replica between our read and
 * our conditional UPDATE) is told the right reason, and an edit made from one
 * front-end redraws the card of the front-end that drafted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayBot } from '../../src/app/relaybot.js';
import type { Draft } from '../../src/core/draft.js';
import type { DraftStore, Notifier } from '../../src/core/ports.js';
import type { Actor } from '../../src/core/send-request.js';
import { testDatabaseTargets } from '../fakes/database.js';
import { createTestApp, silentLogger, type TestApp } from '../fakes/harness.js';

let n = 0;
const person = (): Actor => ({ platform: 'web', userId: `versions-${++n}` });

describe.each(testDatabaseTargets())('draft versions in RelayBot on $name', (target) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ database: await target.open() });
  });
  afterAll(async () => {
    await app?.close();
  });

  /** A RelayBot whose store runs `meanwhile` just before each decision's UPDATE: another replica acting in between. */
  function botWithRace(meanwhile: (id: string) => Promise<unknown>, notifier?: Notifier): RelayBot {
    const real = app.stores.drafts;
    const drafts: DraftStore = {
      ...real,
      confirm: async (id, ...rest) => (await meanwhile(id), real.confirm(id, ...rest)),
      cancel: async (id, ...rest) => (await meanwhile(id), real.cancel(id, ...rest)),
      edit: async (id, ...rest) => (await meanwhile(id), real.edit(id, ...rest)),
    };
    return new RelayBot({
      stores: { ...app.stores, drafts }, interpreter: app.interpreter, policy: app.config.policy, clock: app.clock,
      defaultRegion: 'US', logger: silentLogger, ...(notifier ? { notifier } : {}),
    });
  }

  const draftFor = async (actor: Actor, chat: { platform: 'web' | 'slack'; chatId: string } = { platform: 'web', chatId: 'c' }) => {
    const reply = await app.bot.handleMessage({ actor, conversation: chat, text: 'text +15551234567 Lunch at noon' });
    return reply.draft!;
  };

  it('a confirm that loses the race to an edit is refused as a changed draft, audited with both versions, and nothing is queued', async () => {
    const dave = person();
    const draft = await draftFor(dave);
    let raced = false;
    const bot = botWithRace(async (id) => {
      if (raced) return;
      raced = true;
      await app.bot.edit(id, dave, { text: 'Wire the money now' }, 1);
    });
    // Without a version (requester mode) the confirm means the version it read: 1. The edit makes 2 first.
    const error = await bot.confirm(draft.id, dave).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'conflict:version' });
    expect((error as Error).message).toContain('The draft changed since you saw it — check the new version');
    expect(await app.bot.getDraft(draft.id)).toMatchObject({ status: 'pending', version: 2 });
    const refused = (await app.stores.audit.list({ draftId: draft.id })).find((e) => e.action === 'decision.refused');
    expect(refused?.details).toMatchObject({ attempted: 'confirm', seenVersion: 1, currentVersion: 2 });
    expect(await app.drain()).toBe(0);
  });

  it('a decision that loses the race to another decision or to expiry says so, not "changed"', async () => {
    const dave = person();
    const cancelledFirst = await draftFor(dave);
    const decidedMeanwhile = botWithRace((id) => app.bot.cancel(id, dave).catch(() => undefined));
    await expect(decidedMeanwhile.confirm(cancelledFirst.id, dave, 1)).rejects.toMatchObject({ code: 'conflict:draft', message: expect.stringMatching(/already cancelled/) });

    const expiring = await draftFor(dave);
    const expiredMeanwhile = botWithRace(() => app.stores.drafts.expireDue(new Date(expiring.expiresAt.getTime() + 1), 1000));
    await expect(expiredMeanwhile.edit(expiring.id, dave, { text: 'too late' }, 1)).rejects.toMatchObject({ code: 'expired:draft' });
  });

  it('redraws the card of the front-end that drafted when the edit comes from another one', async () => {
    const redrawn: Draft[] = [];
    const notifier: Notifier = { draftChanged: async (d) => void redrawn.push(d) };
    const bot = botWithRace(async () => undefined, notifier);
    // A draft shown on Slack, requested by someone the web API speaks for (e.g. an agent, later).
    const requester = person();
    const onSlack = await draftFor(requester, { platform: 'slack', chatId: 'C0DEPLOY1' });
    const edited = await bot.edit(onSlack.id, requester, { text: 'Lunch at one' }, 1);
    expect(redrawn.map((d) => [d.id, d.version, d.text])).toEqual([[onSlack.id, 2, 'Lunch at one']]);

    // The drafting front-end redraws its own card after its own edits: no second redraw through the notifier.
    const onWeb = await draftFor(requester);
    await bot.edit(onWeb.id, requester, { text: 'Lunch at two' }, 1);
    expect(redrawn).toHaveLength(1);
    expect(edited.version).toBe(2);
  });
});
