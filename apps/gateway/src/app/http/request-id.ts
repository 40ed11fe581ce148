import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Ids end up in logs: accept a client's only when short and plain, otherwise mint one. */
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's `genReqId`. It also writes the id back onto the raw request so the access log,
 * which sees only the raw request, logs the same id.
 */
export function requestIdFor(req: IncomingMessage): string {
  const offered = req.headers[REQUEST_ID_HEADER];
  const id = typeof offered === 'string' && ACCEPTABLE.test(offered) ? offered : randomUUID();
  req.headers[REQUEST_ID_HEADER] = id;
  return id;
}
