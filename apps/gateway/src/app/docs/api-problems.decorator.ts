import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '@shop/problem-details';
import { STATUS_CODES } from 'node:http';
import { problemExamples } from './problem-examples';
import { ProblemDto } from './problem.dto';

/** Documents the error responses of a route, each as problem+json with its codes and an example of each. */
export function ApiProblems(problems: Record<number, string>) {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...Object.entries(problems).map(([status, codes]) =>
      ApiResponse({
        status: Number(status),
        description: `${STATUS_CODES[Number(status)]}: ${codes}`,
        content: {
          [PROBLEM_CONTENT_TYPE]: {
            schema: { $ref: getSchemaPath(ProblemDto) },
            examples: problemExamples(Number(status), codes),
          },
        },
      }),
    ),
  );
}

/** Errors any route can answer with: every API route calls an app. */
export const COMMON_PROBLEMS = {
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
  502: 'UPSTREAM_ERROR (the app failed without saying why)',
  503: 'SERVICE_UNAVAILABLE',
  504: 'UPSTREAM_TIMEOUT',
};

/** Errors any route with a JSON body can answer with. */
export const BAD_BODY_PROBLEMS = {
  400: 'VALIDATION_FAILED, MALFORMED_JSON, BODY_TOO_DEEP',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** Errors of a route only admins may call. */
export const ADMIN_PROBLEMS = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN' };
