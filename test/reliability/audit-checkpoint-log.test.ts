/**
 * A real server process logs the audit chain's signed head at start
 * (`audit.checkpoint`), so a log pipeline keeps a copy outside the database
 * that `audit verify --checkpoint` can later hold the chain to.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStores, migrateDatabase, openDatabase } from '../../src/adapters/db/index.js';
import type { AuditCheckpoint } from '../../src/core/ports.js';
import { killAllChildren, startServer } from './child-server.js';
import { until } from './support.js';

describe('audit checkpoints in the server log', { timeout: 120_000 }, () => {
  let dir: string;
  afterAll(async () => {
    await killAllChildren();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('logs a signed audit.checkpoint line at start that verify accepts', async () => {
    dir = await mkdtemp(join(tmpdir(), 'relaybot-checkpoint-'));
    const dataDir = join(dir, 'data');
    const server = await startServer({ RELAYBOT_DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    const line = await until(
      () => server.stdout().split('\n').find((l) => l.includes('"msg":"audit.checkpoint"')),
      'an audit.checkpoint log line',
    );
    const logged = JSON.parse(line) as AuditCheckpoint & { msg: string };
    expect(logged).toMatchObject({ msg: 'audit.checkpoint', seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/), mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(Date.parse(logged.at)).not.toBeNaN();
    server.signal('SIGTERM');
    expect(await server.exited).toBe(0);

    // The log line, as it is, is a checkpoint the CLI's verify accepts (same key file, same chain).
    const database = await openDatabase({ dataDir });
    try {
      await migrateDatabase(database);
      const { audit } = createStores(database);
      const checkpoint = { seq: logged.seq, hash: logged.hash, at: logged.at, mac: logged.mac };
      expect(await audit.verify([{ line: 1, checkpoint }])).toMatchObject({ ok: true });
      expect(await audit.verify([{ line: 1, checkpoint: { ...checkpoint, seq: checkpoint.seq + 1 } }])).toMatchObject({ ok: false, checkpointLine: 1 });
    } finally {
      await database.close();
    }
  });
});
