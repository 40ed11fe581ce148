import { createConnection } from 'node:net';

/**
 * A port nobody listens on, for a dependency that is down: connecting is refused. Port 1 (tcpmux,
 * never served) is privileged and below the ephemeral range, so no test's port-0 bind or outgoing
 * connection can be given it, as could happen to a port that was free a moment ago.
 */
export async function closedPort(): Promise<number> {
  const port = 1;
  if (await canConnect(port)) throw new Error(`something listens on 127.0.0.1:${port}; the tests need it closed`);
  return port;
}

export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}
