/**
 * Runs the real server (`node src/start.mjs`, what `npm start` runs) as a child process,
 * the way an operator or a container would, and parses the URL it prints.
 * Every child started here is SIGKILLed by `killAllChildren()` (call it in
 * afterAll), so a failing test never leaves a server behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const children = new Set<ChildProcess>();

export interface ChildServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  pid: number;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** Everything the child wrote to stderr so far (its warnings and errors). */
  stderr(): string;
  /** Everything the child wrote to stdout so far (the start banner, JSON log lines). */
  stdout(): string;
  signal(signal: NodeJS.Signals): void;
}

/** Start a server with exactly this environment (plus PATH/HOME); resolves once it is listening. */
export async function startServer(env: Record<string, string>, startTimeoutMs = 60_000): Promise<ChildServer> {
  const child = spawn(process.execPath, ['src/start.mjs'], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within ${startTimeoutMs} ms:\n${stderr}`)), startTimeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /relaybot is running at (http:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening:\n${stderr}`));
    });
  });
  return { url, pid: child.pid!, exited, stderr: () => stderr, stdout: () => stdout, signal: (s) => child.kill(s) };
}

/** SIGKILL every child still running and wait for them to be gone. */
export async function killAllChildren(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
