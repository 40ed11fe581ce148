import { type ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { ErrorCode, type RpcRequest } from '@shop/contracts';
import { AppError, isErrorPayload } from '@shop/problem-details';
import { currentRequestId } from '../logging/request-context';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';

/** Socket errors that mean "nobody is answering at that address". */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN']);

/**
 * One downstream app, over TCP. Every call carries the request id and has a deadline; failures
 * come back as {@link AppError}s: the app's own status, 503 when it is unreachable, 504 on timeout.
 */
export class ServiceClient {
  constructor(
    readonly name: string,
    private readonly proxy: ClientProxy,
    private readonly timeoutMs: number,
  ) {}

  /** A client for the app listening at `address`; it connects on first use and reconnects after a drop. */
  static tcp(name: string, address: { host: string; port: number }, timeoutMs: number): ServiceClient {
    return new ServiceClient(name, ClientProxyFactory.create({ transport: Transport.TCP, options: address }), timeoutMs);
  }

  async send<TResult, TData = unknown>(pattern: string, data: TData, timeoutMs = this.timeoutMs): Promise<TResult> {
    const message: RpcRequest<TData> = { meta: { requestId: currentRequestId() ?? 'internal' }, data };
    try {
      return await firstValueFrom(this.proxy.send<TResult>(pattern, message).pipe(timeout(timeoutMs)));
    } catch (error) {
      throw this.toAppError(error);
    }
  }

  close(): void {
    this.proxy.close();
  }

  private toAppError(error: unknown): AppError {
    if (isErrorPayload(error)) return AppError.fromPayload(error);
    if (error instanceof TimeoutError) {
      return new AppError(504, ErrorCode.UpstreamTimeout, `The ${this.name} service did not answer in time`);
    }
    const code = (error as { code?: string } | null)?.code;
    if ((code && UNREACHABLE.has(code)) || (error instanceof Error && error.message === 'Connection closed')) {
      return new AppError(503, ErrorCode.ServiceUnavailable, `The ${this.name} service is unavailable`);
    }
    return new AppError(502, ErrorCode.UpstreamError, `The ${this.name} service failed`);
  }
}
