import { type DynamicModule, RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { traceIds } from '../metrics/tracing';
import { currentRequestId } from './request-context';

export interface LoggingOptions {
  service: string;
  level: string;
  /** Log one line per HTTP request (the gateway); TCP apps have no HTTP traffic to log. */
  accessLog?: boolean;
}

/** JSON logs (pino) tagged with the service name, the current request id and trace ids. */
export function loggingModule({ service, level, accessLog = false }: LoggingOptions): DynamicModule {
  return LoggerModule.forRoot({
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level,
      base: { service },
      // The trace id (with OTEL_EXPORTER_OTLP_ENDPOINT) leads from a log line to its trace.
      mixin: () => {
        const requestId = currentRequestId();
        return { ...(requestId ? { requestId } : {}), ...traceIds() };
      },
      autoLogging: accessLog,
      genReqId: (req: IncomingMessage) => req.headers['x-request-id'] as string,
      customAttributeKeys: { reqId: 'requestId' },
      customProps: () => ({}),
      serializers: {
        req: (req: IncomingMessage & { method: string; url: string }) => ({ method: req.method, url: req.url }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      },
    },
  });
}
