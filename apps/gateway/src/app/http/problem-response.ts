import { ErrorCode } from '@shop/contracts';
import { AppError, type ErrorPayload, PROBLEM_CONTENT_TYPE, toProblem } from '@shop/problem-details';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';

/** Codes for errors that reach the gateway as a bare HTTP status (router, body parser, Nest). */
const CODE_BY_STATUS: Record<number, string> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.RouteNotFound,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  429: ErrorCode.RateLimited,
};

/** Fastify's body-parser errors, by their stable `code`. */
const PARSER_ERRORS: Record<string, ErrorPayload> = {
  FST_ERR_CTP_INVALID_JSON: { status: 400, code: ErrorCode.MalformedJson, detail: 'The body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: ErrorCode.MalformedJson, detail: 'The JSON body is empty' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: ErrorCode.PayloadTooLarge, detail: 'The body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: ErrorCode.UnsupportedMediaType,
    detail: 'Send the body as application/json',
  },
};

export const INTERNAL_ERROR: ErrorPayload = { status: 500, code: ErrorCode.InternalError, detail: 'Internal error' };

/**
 * What the client is told about `error`, or undefined when it is not an error meant for the
 * client (a bug), which the caller logs and answers with {@link INTERNAL_ERROR}.
 */
export function describeError(error: unknown): ErrorPayload | undefined {
  if (error instanceof AppError) return error.toPayload();
  const { code, status, statusCode, message } = (error ?? {}) as {
    code?: string;
    status?: unknown;
    statusCode?: unknown;
    message?: string;
  };
  if (code && PARSER_ERRORS[code]) return PARSER_ERRORS[code];
  // A parse error of a JSON body surfaces as a SyntaxError with statusCode 400.
  if (error instanceof SyntaxError && statusCode === 400) return PARSER_ERRORS.FST_ERR_CTP_INVALID_JSON;
  const httpStatus = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : 0;
  if (httpStatus >= 400 && httpStatus < 500) {
    return {
      status: httpStatus,
      code: CODE_BY_STATUS[httpStatus] ?? `HTTP_${httpStatus}`,
      detail: message || STATUS_CODES[httpStatus] || 'Request failed',
    };
  }
  return undefined;
}

export function sendProblem(reply: FastifyReply, error: ErrorPayload): void {
  void reply
    .status(error.status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(toProblem(error, String(reply.request.id)));
}
