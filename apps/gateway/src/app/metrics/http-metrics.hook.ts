import { httpRequestDuration } from '@shop/service-defaults';
import type { FastifyInstance } from 'fastify';

/**
 * Times every response by its route template (`/api/v1/products/:id`), never the raw URL: ids
 * in label values would create a series per product. Unknown routes share one label.
 */
export function installHttpMetrics(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    httpRequestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
