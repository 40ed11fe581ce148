import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { RpcRequest } from '@shop/contracts';
import { Observable } from 'rxjs';
import { requestContext } from '../logging/request-context';

/** Runs each message handler inside the request context the gateway sent along. */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const message = context.switchToRpc().getData<Partial<RpcRequest>>();
    const requestId = typeof message?.meta?.requestId === 'string' ? message.meta.requestId : 'internal';
    return new Observable((subscriber) =>
      requestContext.run({ requestId }, () => next.handle().subscribe(subscriber)),
    );
  }
}
