import { type CanActivate, ForbiddenException, type Type } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';

export const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Runs the app's guards on a request answered from a route hook, in their order and with the
 * route's own metadata (the rate limit is counted as on any route), as Nest's guard consumer does.
 */
export async function passGuards(
  guards: CanActivate[],
  request: FastifyRequest,
  reply: FastifyReply,
  controller: Type,
  handler: (...args: never[]) => unknown,
): Promise<void> {
  const context = new ExecutionContextHost([request, reply], controller, handler);
  for (const guard of guards) {
    // What Nest's guard consumer does with a guard that refuses without throwing.
    if (!(await guard.canActivate(context))) throw new ForbiddenException('Forbidden resource');
  }
}

/**
 * Puts `answer` last among the preHandlers of one route, ahead of Nest's pipeline, which cost
 * most of the gateway's CPU per read. Request id, access log, metrics and errors (via Nest's
 * filters) are Fastify hooks, so they see both paths alike; an answer that returns without
 * replying leaves the request to Nest.
 */
export function shortcutRoute(fastify: FastifyInstance, url: string, answer: preHandlerAsyncHookHandler): void {
  // Routes are registered when the app initialises, after this: only this one route gets the hook.
  fastify.addHook('onRoute', (route) => {
    if (route.method === 'GET' && route.url === url) {
      route.preHandler = [...[route.preHandler ?? []].flat(), answer];
    }
  });
}
