import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TwilioRequest {
  method: string;
  path: string;
  /** The decoded `Authorization: Basic` credentials. */
  auth: string;
  contentType: string;
  form: Record<string, string>;
}

export interface TwilioStandIn {
  /** For TWILIO_API_URL. */
  url: string;
  readonly requests: TwilioRequest[];
  stop(): Promise<void>;
}

const body = async (request: IncomingMessage) => {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
};

/**
 * A loopback HTTP server standing in for Twilio's REST API: it records each request exactly as
 * the SDK sent it and answers a Messages create as Twilio does (201 with the message resource).
 */
export async function startTwilioStandIn(): Promise<TwilioStandIn> {
  const requests: TwilioRequest[] = [];
  const server = createServer((request, response) => void answer(request, response));
  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = Object.fromEntries(new URLSearchParams(await body(request)));
    const authorization = request.headers.authorization ?? '';
    requests.push({
      method: request.method ?? '',
      path: request.url ?? '',
      auth: Buffer.from(authorization.replace(/^Basic /, ''), 'base64').toString('utf8'),
      contentType: request.headers['content-type'] ?? '',
      form,
    });
    const sid = `SM${'0'.repeat(32 - String(requests.length).length)}${requests.length}`;
    response
      .writeHead(201, { 'content-type': 'application/json' })
      .end(JSON.stringify({ sid, status: 'queued', to: form.To, from: form.From, body: form.Body }));
  }
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
