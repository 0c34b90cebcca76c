/**
 * The server under test as its own process (`npm start`: the same node flags and entry point),
 * so its event loop, CPU and memory are its own and not the load generator's
 * or the stand-ins'.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerProcess {
  url: string;
  pid: number;
  /** From spawn until it printed its URL (listening, /healthz answers), ms. */
  startedInMs: number;
  /** Resident set size now, in MiB (Linux VmRSS), or NaN where unavailable. */
  rssMiB(): number;
  /** The process's peak resident set size so far, in MiB (Linux VmHWM), or NaN where unavailable. */
  peakRssMiB(): number;
  /** SIGTERM, and wait for it to exit. */
  stop(): Promise<void>;
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn(process.execPath, startArguments(), {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the server did not start within 60 s')), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /relaybot is running at (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then(() => reject(new Error('the server exited before listening')));
  });
  return {
    url,
    pid: child.pid!,
    startedInMs: performance.now() - spawnedAt,
    peakRssMiB: () => statusMiB(child.pid!, 'VmHWM'),
    rssMiB: () => statusMiB(child.pid!, 'VmRSS'),
    async stop() {
      child.kill('SIGTERM');
      await exited;
      process.off('exit', kill);
    },
  };
}

/**
 * The node flags and entry point of `npm start`, so the benchmark measures
 * exactly what production runs. BENCH_SEMI_SPACE_MB replaces the young
 * generation's size, to compare settings side by side.
 */
function startArguments(): string[] {
  const start: string = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts.start;
  const [command, ...args] = start.split(/\s+/);
  if (command !== 'node') throw new Error(`bench expects "npm start" to run node, not: ${start}`);
  const semiSpace = process.env.BENCH_SEMI_SPACE_MB;
  if (!semiSpace) return args;
  return [`--max-semi-space-size=${semiSpace}`, ...args.filter((a) => !a.startsWith('--max-semi-space-size'))];
}

/** A memory figure of /proc/<pid>/status, in MiB. */
function statusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
