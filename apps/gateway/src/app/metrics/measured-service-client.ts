import { AppError } from '@shop/problem-details';
import { inSpan, rpcClientDuration, type ServiceClient, SpanKind } from '@shop/service-defaults';

function outcomeOf(error: unknown): string {
  if (!(error instanceof AppError)) return 'error';
  if (error.status === 503) return 'unavailable';
  if (error.status === 504) return 'timeout';
  // The app answered with a refusal (404, 409, …): the call itself worked.
  return error.status < 500 ? 'refused' : 'error';
}

/** Times every call the client makes, by service, pattern and outcome (`rpc_client_duration_seconds`), and traces it. */
export function measureCalls(client: ServiceClient): ServiceClient {
  const send = client.send.bind(client);
  client.send = async <TResult, TData = unknown>(pattern: string, data: TData, timeoutMs?: number) => {
    const stop = rpcClientDuration.startTimer({ service: client.name, pattern });
    try {
      const result = await inSpan(
        `rpc ${client.name} ${pattern}`,
        {
          kind: SpanKind.CLIENT,
          attributes: { 'rpc.system': 'nestjs-tcp', 'rpc.service': client.name, 'rpc.method': pattern },
        },
        () => send<TResult, TData>(pattern, data, timeoutMs),
      );
      stop({ outcome: 'ok' });
      return result;
    } catch (error) {
      stop({ outcome: outcomeOf(error) });
      throw error;
    }
  };
  return client;
}
