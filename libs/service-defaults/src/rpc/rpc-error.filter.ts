import { type ArgumentsHost, Catch, HttpException, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { ErrorCode } from '@shop/contracts';
import { AppError, type ErrorPayload } from '@shop/problem-details';
import { type Observable, throwError } from 'rxjs';

/**
 * Sends every failure back over TCP as an {@link ErrorPayload} so the gateway can keep its
 * status. Anything unexpected is logged here, in full but for query values (the logger redacts
 * them, see log-redaction.ts), and leaves as a bare 500.
 */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger(RpcErrorFilter.name);

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => this.toPayload(exception));
  }

  private toPayload(exception: unknown): ErrorPayload {
    if (exception instanceof AppError) return exception.toPayload();
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      return { status: exception.getStatus(), code: ErrorCode.ValidationFailed, detail: exception.message };
    }
    this.logger.error({ err: exception }, 'Unhandled error in message handler');
    return { status: 500, code: ErrorCode.InternalError, detail: 'Internal error' };
  }
}
