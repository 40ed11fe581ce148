import { type Context, context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * Starts OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT is set (spans go there over OTLP/HTTP,
 * and the standard OTEL_* variables apply); otherwise does nothing and the SDK is never loaded.
 * Runs before anything requires `pg` or `http`, so their instrumentations can wrap them.
 *
 * The trace SDK alone rather than `@opentelemetry/sdk-node`: that one depends on every exporter
 * (gRPC, protobuf, metrics, logs), ~130 MB of the image for spans that only ever leave over
 * OTLP/HTTP. What it did for us is done here: the resource (SDK defaults, OTEL_RESOURCE_ATTRIBUTES,
 * host, process, then the service name), a batch processor (OTEL_BSP_*), the AsyncLocalStorage
 * context manager and the W3C traceparent/baggage propagators (`register()`); the sampler and
 * span limits come from OTEL_TRACES_SAMPLER and OTEL_SPAN_* in the provider itself.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): void {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return;
  const { BatchSpanProcessor, NodeTracerProvider } =
    require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { defaultResource, detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes } =
    require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { ATTR_SERVICE_NAME } =
    require('@opentelemetry/semantic-conventions') as typeof import('@opentelemetry/semantic-conventions');
  const { registerInstrumentations } =
    require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const provider = new NodeTracerProvider({
    resource: defaultResource()
      .merge(detectResources({ detectors: [envDetector, hostDetector, processDetector] }))
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? appName() })),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [new HttpInstrumentation(), new PgInstrumentation()],
  });
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
