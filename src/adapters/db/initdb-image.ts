/**
 * The embedded database's first start, made cheap. PGlite creates a new data
 * folder by running initdb in WebAssembly: 10–20 s on two cores and a peak of
 * about 800 MiB that the process never gives back. The result of initdb is
 * the same for every install, so it is made once, here, and shipped beside
 * this file (`initdb-image.tar.gz`, PGlite's own `dumpDataDir` format); a new
 * folder (and every `memory://` database) is unpacked from it in about 2 s.
 *
 * Regenerate it after upgrading @electric-sql/pglite: `npm run db:image`
 * (a test fails while the image and the installed PGlite disagree). If the
 * image is missing or does not load, PGlite runs initdb as before.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const INITDB_IMAGE = fileURLToPath(new URL('./initdb-image.tar.gz', import.meta.url));
const IMAGE_INFO = fileURLToPath(new URL('./initdb-image.json', import.meta.url));

export interface InitdbImageInfo {
  /** The @electric-sql/pglite version that made the image. */
  pglite: string;
  /** `server_version` of the cluster in it. */
  serverVersion: string;
}

export function installedPgliteVersion(): string {
  // The package does not export its package.json; its entry point lives in dist/, one level down.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
}

export function readInitdbImageInfo(): InitdbImageInfo {
  return JSON.parse(readFileSync(IMAGE_INFO, 'utf8')) as InitdbImageInfo;
}

/** Run initdb once (in memory) and write its data folder as the image, with what made it. */
export async function writeInitdbImage(): Promise<InitdbImageInfo> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create('memory://');
  try {
    const { rows } = await db.query<{ server_version: string }>('show server_version');
    const image = await db.dumpDataDir('gzip');
    writeFileSync(INITDB_IMAGE, Buffer.from(await image.arrayBuffer()));
    const info: InitdbImageInfo = { pglite: installedPgliteVersion(), serverVersion: rows[0]!.server_version };
    writeFileSync(IMAGE_INFO, `${JSON.stringify(info, null, 2)}\n`);
    return info;
  } finally {
    await db.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const info = await writeInitdbImage();
  console.log(`wrote ${INITDB_IMAGE} (PGlite ${info.pglite}, PostgreSQL ${info.serverVersion})`);
}
