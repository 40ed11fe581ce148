import { HttpException } from '@nestjs/common';
import { ErrorCode } from '@shop/contracts';
import { AppError, type ErrorPayload, PROBLEM_CONTENT_TYPE, toProblem } from '@shop/problem-details';
import { noteProblemCode } from '@shop/service-defaults';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';

/** Codes for errors that reach the gateway as a bare HTTP status (router, body reader, throttler). */
const CODE_BY_STATUS: Record<number, string> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.RouteNotFound,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  429: ErrorCode.RateLimited,
};

export const INTERNAL_ERROR: ErrorPayload = { status: 500, code: ErrorCode.InternalError, detail: 'Internal error' };

/**
 * What the client is told about `error`, or undefined when it is not an error meant for the
 * client (a bug), which the caller logs and answers with {@link INTERNAL_ERROR}.
 */
export function describeError(error: unknown): ErrorPayload | undefined {
  if (error instanceof AppError) return error.toPayload();
  if (error instanceof HttpException && error.getStatus() < 500) {
    const httpStatus = error.getStatus();
    return {
      status: httpStatus,
      code: CODE_BY_STATUS[httpStatus] ?? `HTTP_${httpStatus}`,
      detail: error.message || STATUS_CODES[httpStatus] || 'Request failed',
    };
  }
  return undefined;
}

export function sendProblem(reply: FastifyReply, error: ErrorPayload): void {
  noteProblemCode(reply.raw, error.code);
  void reply
    .status(error.status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(toProblem(error, String(reply.request.id)));
}
