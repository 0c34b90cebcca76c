/**
 * One process per embedded data folder, as an operator meets it: a second
 * `npm start` on the same folder, the CLI while the server runs, and a
 * restart after a crash (SIGKILL leaves the lock file behind).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllChildren, startServer } from './child-server.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');

/** Run a command of the repo as an operator would; returns the exit code and output. */
async function node(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('one process per embedded data folder', { timeout: 180_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relaybot-folder-'));
  });
  afterAll(async () => {
    await killAllChildren();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a second server and the CLI while a server holds the folder, and lets them in once it stops', async () => {
    const first = await startServer({ RELAYBOT_DATA_DIR: dir });

    const second = await node({ RELAYBOT_DATA_DIR: dir }, 'src/main.ts');
    expect(second.code).toBe(1);
    const line = second.stderr.trim();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain(dir);
    expect(line).toContain(`pid ${first.pid}`);

    const cli = await node({ RELAYBOT_DATA_DIR: dir }, 'src/cli/index.ts', 'contacts', 'add', 'Bob', 'sms', '+15551234567');
    expect(cli.code).not.toBe(0);
    expect(cli.stdout).not.toContain('saved');
    expect(cli.stderr).toContain(`pid ${first.pid}`);
    expect(cli.stderr).toContain('DATABASE_URL');

    first.signal('SIGTERM');
    expect(await first.exited).toBe(0);
    const saved = await node({ RELAYBOT_DATA_DIR: dir }, 'src/cli/index.ts', 'contacts', 'add', 'Bob', 'sms', '+15551234567');
    expect(saved.stdout).toContain('saved Bob');
    const listed = await node({ RELAYBOT_DATA_DIR: dir }, 'src/cli/index.ts', 'contacts', 'list');
    expect(listed.stdout).toMatch(/Bob\tsms\t\+15551234567/);
  });

  it('takes over the lock a killed server left behind', async () => {
    const crashed = await startServer({ RELAYBOT_DATA_DIR: dir });
    crashed.signal('SIGKILL');
    await crashed.exited;
    const restarted = await startServer({ RELAYBOT_DATA_DIR: dir });
    const health = await fetch(`${restarted.url}/healthz`);
    expect(health.status).toBe(200);
    restarted.signal('SIGTERM');
    expect(await restarted.exited).toBe(0);
  });
});
