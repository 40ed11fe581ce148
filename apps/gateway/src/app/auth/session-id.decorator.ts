import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { decode } from 'jsonwebtoken';

/**
 * The session (`sid` claim) of the caller's access token, which the guard has verified already.
 * Kept out of AuthenticatedUser on purpose: that object is forwarded as the actor of every
 * orders message, whose contract has no such field.
 */
export const SessionId = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined => {
  const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
  const claims = decode(header.replace(/^Bearer /i, ''));
  const sid = typeof claims === 'object' ? claims?.sid : undefined;
  return typeof sid === 'string' && /^[0-9a-f-]{36}$/i.test(sid) ? sid : undefined;
});
