import type { CanActivate } from '@nestjs/common';
import type { ProductDto } from '@shop/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_PREFIX } from '../http/api-prefix';
import { JSON_TYPE, passGuards, shortcutRoute } from '../http/route-shortcut';
import { CatalogReadCache } from './catalog-read-cache';
import { ProductsController } from './products.controller';

const ROUTE = `/${API_PREFIX}/products/:id`;

/** A kept product is never changed (a new version is a new object), so its JSON is made once. */
const bodies = new WeakMap<ProductDto, string>();

function bodyOf(product: ProductDto): string {
  let body = bodies.get(product);
  if (body === undefined) bodies.set(product, (body = JSON.stringify(product)));
  return body;
}

/**
 * `GET /products/:id` for a product the cache holds, answered from a route hook instead of Nest's
 * pipeline ({@link shortcutRoute}). The app's guards still run ({@link passGuards}), then
 * {@link ProductsController.get} itself (ETag, 304); only the per-request parameter pipes and
 * serializing the same product again are skipped: the id is one the cache holds, so one the
 * UUID pipe passed before. Anything else (a miss, the change feed behind, an id that is no UUID)
 * goes on to Nest as before.
 */
export function installCachedProductReads(
  fastify: FastifyInstance,
  cache: CatalogReadCache,
  controller: ProductsController,
  guards: CanActivate[],
): void {
  shortcutRoute(fastify, ROUTE, async (request: FastifyRequest, reply: FastifyReply) => {
    // Lower case, as the UUID pipe passes it on and the cache keys it.
    const id = (request.params as { id: string }).id.toLowerCase();
    if (!cache.keepsProduct(id)) return;
    await passGuards(guards, request, reply, ProductsController, ProductsController.prototype.get);
    // Read again through the cache: a change applied while a guard waited is a miss there.
    const product = await controller.get(id, request.headers['if-none-match'], reply);
    return product === undefined ? reply.send() : reply.type(JSON_TYPE).send(bodyOf(product));
  });
}
