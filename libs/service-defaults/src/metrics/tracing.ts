import { type Context, context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * Starts OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT is set (spans go there over OTLP/HTTP,
 * and the standard OTEL_* variables apply); otherwise does nothing and the SDK is never loaded.
 * Runs before anything requires `pg` or `http`, so their instrumentations can wrap them.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): void {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return;
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? appName(),
    traceExporter: new OTLPTraceExporter(),
    instrumentations: [new HttpInstrumentation(), new PgInstrumentation()],
  }).start();
}

/** `apps/<name>/src/main.ts` → `<name>`: each app is one process started from its entry point. */
function appName(): string {
  return /apps\/([^/]+)\/src\/main/.exec(process.argv[1] ?? '')?.[1] ?? 'shop';
}

const tracer = trace.getTracer('@shop/service-defaults');

export interface SpanOptions {
  kind: SpanKind;
  attributes?: Record<string, string>;
  /** Continues the trace whose `traceparent` this carries (see {@link traceCarrier}). */
  parent?: object;
}

/**
 * A span and the context to run its work in. Without the SDK the tracer is a no-op, so this
 * costs next to nothing when tracing is off.
 */
export function startSpan(name: string, options: SpanOptions): { span: Span; context: Context } {
  const parent = options.parent ? propagation.extract(context.active(), options.parent) : context.active();
  const span = tracer.startSpan(name, { kind: options.kind, attributes: options.attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
  span.end();
}

/** Runs `work` in a span ended with its outcome. */
export async function inSpan<T>(name: string, options: SpanOptions, work: () => Promise<T>): Promise<T> {
  const { span, context: spanContext } = startSpan(name, options);
  try {
    const result = await context.with(spanContext, work);
    endSpan(span);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

/**
 * The current trace context as W3C `traceparent`/`tracestate` entries, for a message to carry
 * to another process (empty when tracing is off).
 */
export function traceCarrier(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The active span's ids for log lines, so a log line leads to its trace and back. */
export function traceIds(): { traceId: string; spanId: string } | undefined {
  const span = trace.getActiveSpan()?.spanContext();
  return span && trace.isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : undefined;
}

export { context as traceContext, SpanKind };
