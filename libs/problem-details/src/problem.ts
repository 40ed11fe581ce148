import { STATUS_CODES } from 'node:http';
import type { ErrorPayload } from './app-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details, with the members every response of this API carries. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  errors?: Record<string, string[]>;
  [extension: string]: unknown;
}

/** `EMAIL_TAKEN` → `urn:shop:problem:email-taken`: one stable type URI per code. */
export function problemType(code: string): string {
  return `urn:shop:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

export function toProblem(error: ErrorPayload, requestId: string): ProblemDetails {
  return {
    ...error.extensions,
    type: problemType(error.code),
    title: STATUS_CODES[error.status] ?? 'Error',
    status: error.status,
    detail: error.detail,
    code: error.code,
    requestId,
    ...(error.errors ? { errors: error.errors } : {}),
  };
}
