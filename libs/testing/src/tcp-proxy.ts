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
 */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const upstream = new URL(target);
  const open = new Set<Socket>();
  let cut = false;
  const track = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    if (cut) return void client.destroy();
    const remote = createConnection({ host: upstream.hostname, port: Number(upstream.port) });
    track(client);
    track(remote);
    client.pipe(remote).pipe(client);
    // Either side closing closes the other, as a direct connection would.
    client.once('close', () => remote.destroy());
    remote.once('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const url = new URL(target);
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
