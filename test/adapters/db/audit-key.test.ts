import { readdir, readFile, rm, stat, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { AUDIT_KEY_FILE, AuditKey, loadAuditKey } from '../../../src/adapters/db/audit-key.js';
import { AppError } from '../../../src/core/errors.js';

describe('AUDIT_KEY', () => {
  const dirs: string[] = [];
  const freshDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relaybot-key-'));
    dirs.push(dir);
    return join(dir, 'data');
  };
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('is generated into the data folder on first start, mode 0600, and reused on the next', async () => {
    const dataDir = await freshDir();
    const first = await loadAuditKey({ dataDir });
    const path = join(dataDir, AUDIT_KEY_FILE);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readFile(path, 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
    const next = await loadAuditKey({ dataDir });
    expect(next.hmac('x')).toBe(first.hmac('x'));
  });

  it('ends up as one key when several processes start on an empty folder at once', async () => {
    const dataDir = await freshDir();
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadAuditKey({ dataDir })));
    expect(new Set(keys.map((k) => k.hmac('x'))).size).toBe(1);
    expect(await readdir(dataDir)).toEqual([AUDIT_KEY_FILE]);
  });

  it('prefers AUDIT_KEY; memory:// gets a key per process; with DATABASE_URL it needs AUDIT_KEY or a folder', async () => {
    const dataDir = await freshDir();
    const secret = 's'.repeat(40);
    expect((await loadAuditKey({ auditKey: secret, dataDir })).hmac('x')).toBe(new AuditKey(secret).hmac('x'));
    expect(await readdir(join(dataDir, '..'))).toEqual([]); // no key file written when AUDIT_KEY is set
    const [a, b] = await Promise.all([loadAuditKey({ dataDir: 'memory://' }), loadAuditKey({ dataDir: 'memory://' })]);
    expect(a.hmac('x')).not.toBe(b.hmac('x'));
    await expect(loadAuditKey({ dataDir: 'memory://', databaseUrl: 'postgres://db/x' })).rejects.toThrow(/^AUDIT_KEY: required with DATABASE_URL/);
    expect((await loadAuditKey({ dataDir, databaseUrl: 'postgres://db/x' })).hmac('x')).toBe((await loadAuditKey({ dataDir })).hmac('x'));
  });

  it('refuses a short key or a damaged key file in one line, never showing the key', async () => {
    const short = (() => {
      try {
        return new AuditKey('short-secret-value');
      } catch (error) {
        return error;
      }
    })();
    expect(short).toEqual(new AppError('invalid:config', 'AUDIT_KEY: must be at least 32 characters'));
    const dataDir = await freshDir();
    await loadAuditKey({ dataDir });
    await writeFile(join(dataDir, AUDIT_KEY_FILE), 'cut-short\n');
    const damaged = await loadAuditKey({ dataDir }).catch((e: unknown) => e as Error);
    expect((damaged as Error).message).toMatch(/^RELAYBOT_DATA_DIR: the audit key file .*audit\.key holds fewer than 32 characters; restore it, or set AUDIT_KEY$/);
    expect((damaged as Error).message).not.toContain('cut-short');
  });

  it('never shows the key when logged or inspected', () => {
    const secret = 'do-not-print-this-audit-key-0123456789';
    const key = new AuditKey(secret);
    expect(JSON.stringify({ key })).toBe('{"key":"[redacted]"}');
    expect(inspect(key)).not.toContain(secret);
    expect(Object.keys(key)).toEqual([]);
  });
});
