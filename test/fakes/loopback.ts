import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Start a fake server on 127.0.0.1 at a free port. `close()` also cuts open
 * keep-alive and long-poll connections, so a test's afterAll never hangs on them.
 */
export async function listenOnLoopback(server: Server): Promise<{ base: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
}
