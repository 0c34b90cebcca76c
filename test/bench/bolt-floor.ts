/** Starts bolt-floor-server.ts as its own process (as the server is) and returns its URL. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SIGNING_SECRET } from './setup.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export async function startBoltFloor(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/bolt-floor-server.ts'], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', SLACK_SIGNING_SECRET: SIGNING_SECRET },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening at (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error('the bare Bolt app exited before listening')));
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
