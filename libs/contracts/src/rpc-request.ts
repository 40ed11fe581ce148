/**
 * Every TCP message is wrapped so cross-cutting data (the request id, for logs) travels
 * beside the payload instead of inside it.
 */
export interface RpcMeta {
  requestId: string;
}

export interface RpcRequest<T = unknown> {
  meta: RpcMeta;
  data: T;
}
