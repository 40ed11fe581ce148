/**
 * The yardstick: a bare node:http server answering every request with one fixed payload, the
 * same bytes our gateway returned for the scenario. Our throughput divided by its throughput on
 * the same machine, same load, says what the stack costs independent of the hardware.
 * argv[2]: a JSON file `{ "/<scenario>": "<body>" }`; prints its port once listening.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const payloads = new Map(Object.entries(JSON.parse(readFileSync(process.argv[2], 'utf8')) as Record<string, string>));

const server = createServer((request, response) => {
  const path = request.url!.split('?')[0];
  const body = payloads.get(path);
  if (body === undefined) return void response.writeHead(404).end();
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
