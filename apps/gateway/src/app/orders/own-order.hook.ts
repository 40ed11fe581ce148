import type { CanActivate } from '@nestjs/common';
import type { AuthenticatedUser } from '@shop/auth-guard';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_PREFIX } from '../http/api-prefix';
import { JSON_TYPE, passGuards, shortcutRoute } from '../http/route-shortcut';
import { uuidParam } from '../http/uuid-param';
import { OrdersController } from './orders.controller';

const ROUTE = `/${API_PREFIX}/orders/:id`;
const orderId = uuidParam('id');

/**
 * `GET /orders/:id` answered from a route hook instead of Nest's pipeline ({@link shortcutRoute}):
 * the app's guards run first ({@link passGuards}: rate limit, then the token), then the id goes
 * through the route's own UUID pipe and {@link OrdersController.read}, which answers what
 * {@link OrdersController.get} does, from the read cache when it can, with the JSON made when it
 * was fetched. An id that is no UUID goes on to Nest, which refuses it as before (after the same
 * guards, so 401 still comes first).
 */
export function installOwnOrderReads(
  fastify: FastifyInstance,
  controller: OrdersController,
  guards: CanActivate[],
): void {
  shortcutRoute(fastify, ROUTE, async (request: FastifyRequest, reply: FastifyReply) => {
    const id = await orderId
      .transform((request.params as { id: string }).id, { type: 'param', data: 'id' })
      .catch(() => undefined);
    if (id === undefined) return;
    await passGuards(guards, request, reply, OrdersController, OrdersController.prototype.get);
    const { json } = await controller.read((request as FastifyRequest & { user: AuthenticatedUser }).user, id);
    return reply.type(JSON_TYPE).send(json);
  });
}
