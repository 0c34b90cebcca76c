import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import { LOCK_FILE, lockDataDir } from '../../../src/adapters/db/data-dir-lock.js';

const root = join(import.meta.dirname, '../../..');

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

/** A pid that is certainly alive and is not ours: our parent (vitest's main process). */
const livePid = () => process.ppid;

describe('the embedded data folder lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relaybot-lock-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lets one holder in and refuses a second with the folder and the holder pid', async () => {
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: livePid() }));
    const refusal = await lockDataDir(dir).catch((error: unknown) => error);
    expect(AppError.is(refusal, 'conflict:data_dir')).toBe(true);
    expect((refusal as Error).message).toContain(dir);
    expect((refusal as Error).message).toContain(`pid ${livePid()}`);
    expect((refusal as Error).message).toContain('DATABASE_URL');
  });

  it('is taken atomically: of four processes starting at once, exactly one holds the folder', async () => {
    // The winner holds the lock until every racer has answered (a winner that exited would leave a stale lock).
    const script = `
      import { lockDataDir } from './src/adapters/db/data-dir-lock.ts';
      try { await lockDataDir(process.argv[1]); console.log('won'); setInterval(() => {}, 1000); }
      catch (e) { console.log(e.code); }`;
    const children = Array.from({ length: 4 }, () => spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], { cwd: root }));
    const outcomes = await Promise.all(
      children.map(
        (child) =>
          new Promise<string>((resolve) => {
            let out = '';
            child.stdout.on('data', (chunk: Buffer) => {
              out += chunk.toString();
              if (out.includes('\n')) resolve(out.trim());
            });
            child.on('exit', () => resolve(out.trim()));
          }),
      ),
    );
    for (const child of children) child.kill('SIGKILL');
    expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'conflict:data_dir')).toHaveLength(3);
  });

  it('takes over a lock left by a process that died', async () => {
    const dead = deadPid();
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: dead }));
    const lock = await lockDataDir(dir);
    const holder = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')) as { pid: number };
    expect(holder.pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over an unreadable lock file (a crash while writing it)', async () => {
    await writeFile(join(dir, LOCK_FILE), '{"pi');
    const lock = await lockDataDir(dir);
    await lock.release();
  });

  it('releases only its own lock', async () => {
    const lock = await lockDataDir(dir);
    await lock.release();
    await expect(readFile(join(dir, LOCK_FILE))).rejects.toThrow(/ENOENT/);
    const again = await lockDataDir(dir);
    // Someone else's lock now (e.g. after an operator removed ours by hand and another server started).
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: livePid() }));
    await again.release();
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toEqual({ pid: livePid() });
  });
});
