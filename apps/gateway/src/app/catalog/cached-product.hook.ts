import { type CanActivate, ForbiddenException } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { ProductDto } from '@shop/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { API_PREFIX } from '../http/api-prefix';
import { CatalogReadCache } from './catalog-read-cache';
import { ProductsController } from './products.controller';

const ROUTE = `/${API_PREFIX}/products/:id`;
const JSON_TYPE = 'application/json; charset=utf-8';

/** A kept product is never changed (a new version is a new object), so its JSON is made once. */
const bodies = new WeakMap<ProductDto, string>();

function bodyOf(product: ProductDto): string {
  let body = bodies.get(product);
  if (body === undefined) bodies.set(product, (body = JSON.stringify(product)));
  return body;
}

/**
 * `GET /products/:id` for a product the cache holds, answered from a route hook instead of Nest's
 * pipeline, which cost most of the gateway's CPU per read. The app's guards still run, in their
 * order, with the route's own metadata (the rate limit is counted as on any route), then
 * {@link ProductsController.get} itself (ETag, 304); only the per-request parameter pipes and
 * serializing the same product again are skipped: the id is one the cache holds, so one the
 * UUID pipe passed before. Anything else (a miss, the change feed behind, an id that is no UUID)
 * goes on to Nest as before. Request id, access log, metrics and errors (via Nest's filters) are
 * Fastify hooks, so they see both paths alike.
 */
export function installCachedProductReads(
  fastify: FastifyInstance,
  cache: CatalogReadCache,
  controller: ProductsController,
  guards: CanActivate[],
): void {
  const answer: preHandlerAsyncHookHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    // Lower case, as the UUID pipe passes it on and the cache keys it.
    const id = (request.params as { id: string }).id.toLowerCase();
    if (!cache.keepsProduct(id)) return;
    const context = new ExecutionContextHost([request, reply], ProductsController, ProductsController.prototype.get);
    for (const guard of guards) {
      // What Nest's guard consumer does with a guard that refuses without throwing.
      if (!(await guard.canActivate(context))) throw new ForbiddenException('Forbidden resource');
    }
    // Read again through the cache: a change applied while a guard waited is a miss there.
    const product = await controller.get(id, request.headers['if-none-match'], reply);
    return product === undefined ? reply.send() : reply.type(JSON_TYPE).send(bodyOf(product));
  };
  // Routes are registered when the app initialises, after this: only this one route gets the hook.
  fastify.addHook('onRoute', (route) => {
    if (route.method === 'GET' && route.url === ROUTE) {
      route.preHandler = [...[route.preHandler ?? []].flat(), answer];
    }
  });
}
