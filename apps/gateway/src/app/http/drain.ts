import { lifecycle } from '@shop/service-defaults';
import type { FastifyInstance } from 'fastify';

/**
 * Counts every HTTP request as work in flight, so a stopping gateway waits (up to
 * SHUTDOWN_TIMEOUT_MS) for the requests it accepted instead of closing under them. While it
 * drains, every response says `Connection: close`: the client's next request opens a new
 * connection, which a load balancer sends to another replica, rather than reusing one that is
 * about to go.
 */
export function countRequestsInFlight(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (_request, reply, done) => {
    lifecycle.inFlight += 1;
    // 'close' comes exactly once per response: after it was sent, or when the client went away.
    reply.raw.once('close', () => (lifecycle.inFlight -= 1));
    if (lifecycle.draining) void reply.header('connection', 'close');
    done();
  });
}

/**
 * The end of the drain: stop listening (new connections are refused) and close idle keep-alive
 * connections; a busy one closes after its response. Whatever is still open when the app
 * closes is cut (`forceCloseConnections`), so SHUTDOWN_TIMEOUT_MS bounds the wait.
 */
export function stopAccepting(fastify: FastifyInstance): void {
  fastify.server.close();
}
