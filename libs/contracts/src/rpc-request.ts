/**
 * Every TCP message is wrapped so cross-cutting data (the request id, for logs) travels
 * beside the payload instead of inside it.
 */
export interface RpcMeta {
  requestId: string;
  /** W3C trace context, so the app's spans join the caller's trace. */
  traceparent?: string;
  tracestate?: string;
}

export interface RpcRequest<T = unknown> {
  meta: RpcMeta;
  data: T;
}
