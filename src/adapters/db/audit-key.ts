/**
 * AUDIT_KEY: the secret that signs the audit log (audit-hash.ts). Whoever
 * holds the database but not this key can neither add an event nor rewrite
 * the chain without `audit verify` noticing.
 *
 * Where it comes from, in order:
 * - `AUDIT_KEY` (at least 32 characters), the same on every replica;
 * - otherwise the key file `audit.key` in RELAYBOT_DATA_DIR, generated on
 *   first start (mode 0600, created atomically, so two processes starting at
 *   once still end up with one key) — with PGlite that is the database's own
 *   folder; with DATABASE_URL a start warning asks for a shared AUDIT_KEY;
 * - RELAYBOT_DATA_DIR=memory:// on PGlite: a random key for this process
 *   (the database dies with it). With DATABASE_URL that would orphan the log
 *   at the next restart, so AUDIT_KEY is required there.
 *
 * The key never leaves this object: it is not enumerable, serialises as
 * "[redacted]" and never appears in an error.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { AppError } from '../../core/errors.js';

export const AUDIT_KEY_MIN_LENGTH = 32;
export const AUDIT_KEY_FILE = 'audit.key';
const REDACTED = '[redacted]';

export class AuditKey {
  readonly #secret: Buffer;

  constructor(secret: string) {
    if (secret.length < AUDIT_KEY_MIN_LENGTH) {
      throw new AppError('invalid:config', `AUDIT_KEY: must be at least ${AUDIT_KEY_MIN_LENGTH} characters`);
    }
    this.#secret = Buffer.from(secret, 'utf8');
  }

  /** A fresh random key (for a process-local in-memory database, and tests). */
  static random(): AuditKey {
    return new AuditKey(randomBytes(32).toString('hex'));
  }

  /** HMAC-SHA256 of `text`, hex. */
  hmac(text: string): string {
    return createHmac('sha256', this.#secret).update(text).digest('hex');
  }

  /** Whether `mac` is the HMAC of `text`, compared in constant time. */
  verifies(mac: string | null | undefined, text: string): boolean {
    return equalHex(mac, this.hmac(text));
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `AuditKey ${REDACTED}`;
  }
}

/** Constant-time comparison of two hex strings (false when either is missing or the lengths differ). */
export function equalHex(a: string | null | undefined, b: string): boolean {
  if (typeof a !== 'string' || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export interface AuditKeySource {
  /** AUDIT_KEY, when set. */
  auditKey?: string | undefined;
  /** RELAYBOT_DATA_DIR: a folder, or `memory://`. */
  dataDir: string;
  /** Set when the database is a PostgreSQL server (a key per process is then refused). */
  databaseUrl?: string | undefined;
}

/** The key as configured (see the module comment); throws AppError `invalid:config` with one line naming what to fix. */
export async function loadAuditKey(source: AuditKeySource): Promise<AuditKey> {
  if (source.auditKey) return new AuditKey(source.auditKey);
  if (source.dataDir.includes('://')) {
    if (source.databaseUrl) {
      throw new AppError(
        'invalid:config',
        'AUDIT_KEY: required with DATABASE_URL when RELAYBOT_DATA_DIR is memory:// (a key per process would leave the audit log unverifiable after a restart)',
      );
    }
    return AuditKey.random();
  }
  return readOrCreateKeyFile(source.dataDir);
}

async function readOrCreateKeyFile(dataDir: string): Promise<AuditKey> {
  const path = join(dataDir, AUDIT_KEY_FILE);
  try {
    await mkdir(dataDir, { recursive: true });
    let secret = await readKey(path);
    if (secret === null) {
      // Written whole under a private name, then linked into place: link() fails if the key
      // exists, so of two processes starting at once exactly one key wins and both read it.
      const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
      try {
        await link(temp, path).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        });
      } finally {
        await unlink(temp).catch(() => undefined);
      }
      secret = await readKey(path);
    }
    if (secret === null || secret.length < AUDIT_KEY_MIN_LENGTH) {
      throw new AppError('invalid:config', `RELAYBOT_DATA_DIR: the audit key file ${path} holds fewer than ${AUDIT_KEY_MIN_LENGTH} characters; restore it, or set AUDIT_KEY`);
    }
    return new AuditKey(secret);
  } catch (error) {
    if (error instanceof AppError) throw error;
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new AppError('invalid:config', `RELAYBOT_DATA_DIR: cannot read or create the audit key file ${path} (${why}); set AUDIT_KEY instead`, { cause: error });
  }
}

/** The key file's content, trimmed; null when there is none yet. */
async function readKey(path: string): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
