/**
 * One process per embedded data folder. PGlite has no postmaster to refuse a
 * second opener: two processes on one folder each replay and rewrite the same
 * files, and whatever the first one wrote is lost when the second one closes.
 * So the folder carries a lock file holding the owner's pid, created with
 * O_EXCL (atomic: of two starts, one creates it). A lock whose pid is no
 * longer alive was left by a crash and is taken over.
 */
import { constants } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../core/errors.js';

export const LOCK_FILE = 'relaybot.lock';
/** A takeover guard older than this was left by a process that died mid-takeover. */
const GUARD_STALE_MS = 10_000;

export interface DataDirLock {
  /** Remove the lock file, if it is still ours. */
  release(): Promise<void>;
}

interface Holder {
  pid: number;
  startedAt?: string;
}

/** Take the folder's lock, or throw `conflict:data_dir` naming the folder and the live holder's pid. */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const path = join(dataDir, LOCK_FILE);
  const mine: Holder = { pid: process.pid, startedAt: new Date().toISOString() };
  if (!(await tryCreate(path, mine))) {
    const holder = await readHolder(path);
    if (holder && isAlive(holder.pid)) throw inUse(dataDir, holder.pid);
    await takeOver(path, dataDir, mine);
  }
  return {
    async release() {
      const holder = await readHolder(path);
      if (holder?.pid === process.pid && holder.startedAt === mine.startedAt) await rm(path, { force: true });
    },
  };
}

/** Replace a stale lock. Takeovers are serialised by a guard file, so two restarts cannot both win. */
async function takeOver(path: string, dataDir: string, mine: Holder): Promise<void> {
  const guard = `${path}.takeover`;
  if (!(await tryCreate(guard, mine))) {
    const age = await stat(guard).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age < GUARD_STALE_MS) throw inUse(dataDir, (await readHolder(guard))?.pid);
    await rm(guard, { force: true });
    if (!(await tryCreate(guard, mine))) throw inUse(dataDir, (await readHolder(guard))?.pid);
  }
  try {
    // Read again under the guard: another process may have taken over just before us.
    const holder = await readHolder(path);
    if (holder && isAlive(holder.pid)) throw inUse(dataDir, holder.pid);
    await rm(path, { force: true });
    if (!(await tryCreate(path, mine))) throw inUse(dataDir, (await readHolder(path))?.pid);
  } finally {
    await rm(guard, { force: true });
  }
}

async function tryCreate(path: string, holder: Holder): Promise<boolean> {
  try {
    const file = await open(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
    try {
      await file.writeFile(`${JSON.stringify(holder)}\n`);
    } finally {
      await file.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The holder named in a lock file; null when the file is gone or unreadable (a crash mid-write: stale). */
async function readHolder(path: string): Promise<Holder | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    const pid = (parsed as Holder | null)?.pid;
    return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? (parsed as Holder) : null;
  } catch {
    return null;
  }
}

/** Our own pid in a lock we did not create is a previous life of this container: stale. */
function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function inUse(dataDir: string, pid: number | undefined): AppError {
  const who = pid ? `another relaybot process (pid ${pid})` : 'another relaybot process';
  return new AppError(
    'conflict:data_dir',
    `RELAYBOT_DATA_DIR: the embedded database in ${dataDir} is in use by ${who}. ` +
      'Stop that server first, or point every process at one PostgreSQL with DATABASE_URL.',
  );
}
