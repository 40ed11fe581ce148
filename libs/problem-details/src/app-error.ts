/**
 * A failure the caller can act on: an HTTP status, a stable machine `code` and a human `detail`.
 * Apps throw it; it crosses the TCP hop as a plain {@link ErrorPayload} and the gateway
 * renders it as problem+json, so a 409 raised in a service is a 409 to the client.
 */
export interface ErrorPayload {
  status: number;
  code: string;
  detail: string;
  /** Per-field messages, for validation failures. */
  errors?: Record<string, string[]>;
  /** Extra members a client may use, e.g. `currentVersion` on a version conflict. */
  extensions?: Record<string, unknown>;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly options: Pick<ErrorPayload, 'errors' | 'extensions'> = {},
  ) {
    super(detail);
    this.name = 'AppError';
  }

  toPayload(): ErrorPayload {
    return { status: this.status, code: this.code, detail: this.detail, ...this.options };
  }

  static fromPayload(payload: ErrorPayload): AppError {
    return new AppError(payload.status, payload.code, payload.detail, {
      errors: payload.errors,
      extensions: payload.extensions,
    });
  }
}

export function isErrorPayload(value: unknown): value is ErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const { status, code, detail } = value as Record<string, unknown>;
  return (
    Number.isInteger(status) &&
    (status as number) >= 400 &&
    (status as number) <= 599 &&
    typeof code === 'string' &&
    typeof detail === 'string'
  );
}
