import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { CatalogContract, healthCheck, type RpcRequest } from '@shop/contracts';
import { Observable, tap } from 'rxjs';
import { lifecycle } from '../lifecycle';
import { type RequestLogOptions, sampled } from '../logging/logging.module';
import { requestContext } from '../logging/request-context';
import { rpcServerDuration } from '../metrics/metrics';
import { endSpan, SpanKind, startSpan, traceContext } from '../metrics/tracing';

/**
 * Asked every second or faster by every caller (readiness probes, each gateway's catalog change
 * feed): logged at debug, else they would drown everything else, and not counted as traffic.
 */
const POLLS = new Set([healthCheck.pattern, CatalogContract.operations.changes.pattern]);

/** How much of the per-message log is written (the gateway's access-log settings, see {@link accessLogSettings}). */
export const RPC_LOG = Symbol('RPC_LOG');

/**
 * Runs each message handler inside the request context the gateway sent along, and logs a line
 * per message (pattern, outcome, duration), the TCP twin of the gateway's access log: failures
 * and slow messages always, at warn with their request id; plain successes sampled as it is.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Rpc');

  constructor(@Inject(RPC_LOG) private readonly options: RequestLogOptions) {}

  private level(pattern: string, outcome: string, ms: number): 'debug' | 'log' | 'warn' | undefined {
    if (POLLS.has(pattern)) return 'debug';
    if (outcome !== 'ok' || ms > this.options.slowMs) return 'warn';
    return sampled(this.options.accessLogSampleRate) ? 'log' : undefined;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const message = context.switchToRpc().getData<Partial<RpcRequest>>();
    const requestId = typeof message?.meta?.requestId === 'string' ? message.meta.requestId : 'internal';
    const pattern = context.switchToRpc().getContext<{ getPattern?(): string }>().getPattern?.() ?? 'unknown';
    const started = performance.now();
    // Continues the caller's trace when the message carries one (meta.traceparent).
    const { span, context: spanContext } = startSpan(`rpc ${pattern}`, {
      kind: SpanKind.SERVER,
      attributes: { 'rpc.system': 'nestjs-tcp', 'rpc.method': pattern },
      parent: message?.meta,
    });
    const done = (outcome: string) => (error?: unknown) => {
      endSpan(span, error);
      const ms = performance.now() - started;
      rpcServerDuration.observe({ pattern, outcome }, ms / 1000);
      const level = this.level(pattern, outcome, ms);
      if (level) this.logger[level](`${pattern} ${outcome} in ${Math.round(ms)} ms`);
    };

    return new Observable((subscriber) => {
      lifecycle.inFlight += 1;
      if (!POLLS.has(pattern)) lifecycle.lastMessageAt = Date.now();
      const subscription = traceContext.with(spanContext, () =>
        requestContext.run({ requestId }, () =>
          next
            .handle()
            .pipe(tap({ complete: done('ok'), error: done('failed') }))
            .subscribe(subscriber),
        ),
      );
      subscription.add(() => (lifecycle.inFlight -= 1));
      return subscription;
    });
  }
}
