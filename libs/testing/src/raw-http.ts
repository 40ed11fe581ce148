import { connect } from 'node:net';

/** A response read off a raw socket: what a request that no HTTP client would send got back. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `request` byte for byte to `port` and reads until the server closes the connection or
 * has sent the whole body its Content-Length announced. For requests fetch() refuses to send: a
 * CR in a header value, Content-Length beside Transfer-Encoding, no Host.
 */
export function rawRequest(port: number, request: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    const parse = (): RawResponse | undefined => {
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      const body = text.slice(end + 4);
      const length = Number(headers['content-length'] ?? NaN);
      if (!Number.isNaN(length) && Buffer.byteLength(body) < length) return undefined;
      return { status: Number(statusLine.split(' ')[1]), headers, body };
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const response = parse();
      if (response && response.headers['content-length'] !== undefined) {
        socket.destroy();
        resolve(response);
      }
    });
    socket.once('error', reject);
    socket.once('close', () => {
      const response = parse();
      if (response) resolve(response);
      else reject(new Error(`connection closed without a response: ${Buffer.concat(chunks).toString('utf8')}`));
    });
    socket.write(request);
  });
}
