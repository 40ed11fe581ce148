import { type ArgumentsHost, Catch, HttpException, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { ErrorCode } from '@shop/contracts';
import { AppError, type ErrorPayload } from '@shop/problem-details';
import { type Observable, throwError } from 'rxjs';

/**
 * What a failure crosses the hop as: an {@link AppError} as itself, a Nest 4xx as a validation
 * failure. Anything unexpected is logged here, in full but for query values (the logger redacts
 * them, see log-redaction.ts), and leaves as a bare 500.
 */
export function toErrorPayload(exception: unknown, logger: Logger): ErrorPayload {
  if (exception instanceof AppError) return exception.toPayload();
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    return { status: exception.getStatus(), code: ErrorCode.ValidationFailed, detail: exception.message };
  }
  logger.error({ err: exception }, 'Unhandled error in message handler');
  return { status: 500, code: ErrorCode.InternalError, detail: 'Internal error' };
}

/** Sends every failure back over TCP as an {@link ErrorPayload} so the gateway can keep its status. */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger(RpcErrorFilter.name);

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => toErrorPayload(exception, this.logger));
  }
}
