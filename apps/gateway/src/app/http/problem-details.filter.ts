import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { describeError, INTERNAL_ERROR, sendProblem } from './problem-response';

/** Every error a route or guard throws leaves as application/problem+json. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const described = describeError(exception);
    if (!described) this.logger.error({ err: exception }, 'Unhandled error');
    else if (described.status >= 500) this.logger.warn(`${described.code}: ${described.detail}`);
    sendProblem(reply, described ?? INTERNAL_ERROR);
  }
}
