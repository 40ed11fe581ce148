import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, request as httpRequest } from 'node:http';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RecordingProxy {
  /** e.g. http://127.0.0.1:40123: give it to the client instead of the target's URL. */
  url: string;
  /** Every request that came through, in order of arrival. */
  requests: RecordedRequest[];
  /**
   * While true, requests still reach the target, but the answer is thrown away and the client's
   * connection cut: what a client sees when a response is lost on the way back.
   */
  dropAnswers: boolean;
  stop(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of `target` (say stripe-mock) that records each request as it
 * went over the wire, so a test can check what a client library really sent, headers included.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      proxy.requests.push({
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        headers: incoming.headers,
        body: body.toString(),
      });
      const forwarded = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: upstream.host },
        },
        (answer) => {
          if (proxy.dropAnswers) {
            answer.resume();
            incoming.socket.destroy();
            return;
          }
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on('error', () => incoming.socket.destroy());
      forwarded.end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const proxy: RecordingProxy = {
    url: `http://127.0.0.1:${port}`,
    requests: [],
    dropAnswers: false,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
