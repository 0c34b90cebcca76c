/**
 * `npm start`: transpile src/ to JavaScript with esbuild, then run it.
 *
 * Why not `node --import tsx src/main.ts`: on Node 20 a module loader's hooks
 * run on a thread of their own, with a V8 heap of its own, for the life of
 * the process. Measured on the embedded default, idle after a restart: 211 MiB
 * resident under tsx, 161 MiB as plain JavaScript. Transpiling the whole tree
 * takes esbuild about half a second, and it happens only when a file under
 * src/ changed: the output is kept in node_modules/.cache/relaybot/<key>,
 * where the key covers every source file's path, size and modification time.
 * Type checking stays where it was (`npm run typecheck`, CI).
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SRC = dirname(fileURLToPath(import.meta.url));
const CACHE = join(SRC, '..', 'node_modules', '.cache', 'relaybot');
const KEEP_BUILDS = 3;

/** Every file under `dir`, recursively. */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Keep the newest few builds (a server started earlier may still be serving files from its own). */
function forgetOldBuilds() {
  const builds = readdirSync(CACHE)
    .filter((name) => /^[0-9a-f]{16}$/.test(name))
    .map((name) => ({ path: join(CACHE, name), at: statSync(join(CACHE, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const old of builds.slice(KEEP_BUILDS - 1)) rmSync(old.path, { recursive: true, force: true });
}

async function transpiled() {
  const files = filesUnder(SRC).sort();
  const { build, stop, version } = await import('esbuild');
  const key = createHash('sha256').update(version);
  for (const file of files) {
    const { size, mtimeMs } = statSync(file);
    key.update(`${relative(SRC, file)}\0${size}\0${mtimeMs}\n`);
  }
  const out = join(CACHE, key.digest('hex').slice(0, 16));
  if (!existsSync(join(out, 'main.js'))) {
    // Fails with the errno (EACCES, EROFS…) on a read-only install, before esbuild tries.
    mkdirSync(CACHE, { recursive: true });
    accessSync(CACHE, constants.W_OK);
    // Built aside and renamed into place, so a second start at the same moment never runs half a tree.
    const staging = `${out}.${process.pid}`;
    const typescript = files.filter((file) => file.endsWith('.ts'));
    await build({ entryPoints: typescript, outdir: staging, outbase: SRC, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error' });
    // Everything else (the console's files, migrations, the PGlite worker and initdb image) sits beside it as in src/.
    cpSync(SRC, staging, { recursive: true, filter: (path) => !path.endsWith('.ts') });
    forgetOldBuilds();
    try {
      renameSync(staging, out);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another start renamed the same build first
    }
  }
  await stop();
  return join(out, 'main.js');
}

/** The cache cannot be written (a read-only install): run the TypeScript through tsx's loader as before. */
const READ_ONLY = new Set(['EACCES', 'EPERM', 'EROFS']);

let entry;
try {
  entry = pathToFileURL(await transpiled()).href;
} catch (error) {
  if (!READ_ONLY.has(error?.code)) throw error;
  console.error(`relaybot: cannot write ${CACHE} (${error.code}); running TypeScript through tsx instead (about 50 MiB more memory)`);
  (await import('tsx/esm/api')).register();
  entry = pathToFileURL(join(SRC, 'main.ts')).href;
}
// OpenTelemetry only when an OTLP endpoint is set (otherwise nothing of the SDK is loaded). It starts
// before main imports express and pg, so its instrumentations can patch them.
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
  const sibling = (path) => new URL(`${path}${entry.endsWith('.ts') ? '.ts' : '.js'}`, entry).href;
  const { readTracingConfig, tracingEnabled } = await import(sibling('./adapters/tracing/config'));
  if (tracingEnabled()) {
    let config;
    try {
      config = readTracingConfig();
    } catch (error) {
      console.error(`relaybot: ${error.message}`);
      process.exit(1);
    }
    await (await import(sibling('./adapters/tracing/sdk'))).startTracing(config);
  }
}
await import(entry);
