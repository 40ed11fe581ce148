import { randomBytes } from 'node:crypto';
import { ClientTCP } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { type ReceivedSpan, startOtlpReceiver, TestSystem, waitFor } from '@shop/testing';

let system: TestSystem;
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // Export each batch at once instead of every 5 s.
  const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' };
  system = await TestSystem.start({
    label: 'tracing',
    env: { gateway: tracing, auth: tracing, catalog: tracing, orders: tracing },
  });
});
afterAll(async () => {
  await system?.stop();
  await receiver?.close();
});

const SERVER = 2;
const CLIENT = 3;

/** Follows parent links up from `span` within one service's spans. */
function ancestors(span: ReceivedSpan, spans: ReceivedSpan[]): ReceivedSpan[] {
  const chain = [];
  for (let at = span; at.parentSpanId;) {
    const parent = spans.find((candidate) => candidate.spanId === at.parentSpanId);
    if (!parent) break;
    chain.push(parent);
    at = parent;
  }
  return chain;
}

describe('tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  it('traces a request through the gateway and the app down to its SQL, with the trace id in the logs', async () => {
    const requestId = `trace-${Date.now()}`;
    const response = await system.http.get('/api/v1/products?limit=1', { headers: { 'x-request-id': requestId } });
    expect(response.status).toBe(200);

    const spans = receiver.spans;
    const find = (test: (span: ReceivedSpan) => boolean) => spans.find(test);
    await waitFor('the spans of the request', async () =>
      Boolean(
        find((s) => s.service === 'gateway' && s.kind === CLIENT && s.name === 'rpc catalog catalog.products.list') &&
        find((s) => s.service === 'catalog' && s.kind === SERVER && s.name === 'rpc catalog.products.list'),
      ),
    );

    // Gateway: the HTTP server span, and under it the call to the catalog.
    const call = find((s) => s.service === 'gateway' && s.name === 'rpc catalog catalog.products.list')!;
    const httpSpan = ancestors(call, spans).find((s) => s.kind === SERVER);
    expect(httpSpan).toBeDefined();
    expect(httpSpan!.traceId).toBe(call.traceId);

    // Catalog: the message's span, and the SQL it ran as its descendants in the same trace.
    const handled = find((s) => s.service === 'catalog' && s.name === 'rpc catalog.products.list')!;
    // One trace across processes: the catalog's span hangs under the gateway's call.
    expect(handled.traceId).toBe(httpSpan!.traceId);
    expect(handled.parentSpanId).toBe(call.spanId);
    await waitFor('the catalog SQL spans', async () =>
      spans.some((s) => s.service === 'catalog' && s.traceId === handled.traceId && s.name.startsWith('pg')),
    );
    const sql = spans.filter(
      (s) => s.service === 'catalog' && s.traceId === handled.traceId && s.name.startsWith('pg'),
    );
    expect(sql.every((s) => ancestors(s, spans).includes(handled))).toBe(true);

    // The access log line of the request names its trace.
    const accessLog = system
      .logs('gateway')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { requestId?: string; traceId?: string; res?: unknown })
      .find((line) => line.requestId === requestId && line.res);
    expect(accessLog?.traceId).toBe(httpSpan!.traceId);
  });

  it('continues the trace a message names in meta.traceparent (W3C), SQL included', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const client = new ClientTCP(system.address('catalog'));
    try {
      const meta = { requestId: 'traced-message', traceparent: `00-${traceId}-${callerSpanId}-01` };
      await firstValueFrom(client.send('catalog.products.list', { meta, data: { limit: 1 } }));
    } finally {
      client.close();
    }

    const inTrace = () => receiver.spans.filter((s) => s.service === 'catalog' && s.traceId === traceId);
    // The handler's span ends after its SQL spans, so it may reach the receiver in a later export.
    await waitFor(
      'the continued trace',
      async () =>
        inTrace().some((s) => s.name.startsWith('pg')) && inTrace().some((s) => s.name === 'rpc catalog.products.list'),
    );
    const handled = inTrace().find((s) => s.name === 'rpc catalog.products.list');
    expect(handled?.parentSpanId).toBe(callerSpanId);
    expect(
      inTrace()
        .filter((s) => s.name.startsWith('pg'))
        .every((s) => ancestors(s, receiver.spans).includes(handled!)),
    ).toBe(true);
  });
});
