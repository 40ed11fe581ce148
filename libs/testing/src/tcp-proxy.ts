import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  /** e.g. redis://127.0.0.1:40123 for a redis:// target: give it to the client instead of the target's URL. */
  url: string;
  /** Drops every connection through the proxy and closes each new one at once, until {@link restore}. */
  cut(): void;
  restore(): void;
  stop(): Promise<void>;
}

/**
 * A loopback TCP proxy in front of `target` (say the shared Redis) that a test can cut and
 * restore: to the client behind it the server goes away and comes back, while the server itself,
 * which other tests use, stays up. While cut it still accepts, then closes, so the port stays its own.
 * A function target is asked on each connection, so the proxy can stand for a server not yet
 * started (its address unknown): until it answers one, connections are closed as when cut.
 * `onSent` sees every chunk a client sends through, so a test can await a message reaching the
 * server instead of sleeping.
 */
export async function startTcpProxy(
  target: string | (() => string | undefined),
  onSent?: (chunk: Buffer) => void,
): Promise<TcpProxy> {
  const upstreamOf = typeof target === 'string' ? () => target : target;
  const open = new Set<Socket>();
  let cut = false;
  const track = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    const upstream = cut ? undefined : upstreamOf();
    if (!upstream) return void client.destroy();
    const { hostname, port } = new URL(upstream);
    const remote = createConnection({ host: hostname, port: Number(port) });
    track(client);
    track(remote);
    if (onSent) client.on('data', onSent);
    client.pipe(remote).pipe(client);
    // Either side closing closes the other, as a direct connection would.
    client.once('close', () => remote.destroy());
    remote.once('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const url = new URL(typeof target === 'string' ? target : 'tcp://127.0.0.1');
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    cut: () => {
      cut = true;
      open.forEach((socket) => socket.destroy());
    },
    restore: () => {
      cut = false;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        open.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}
