import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ErrorCode, IDEMPOTENCY_KEY_PATTERN } from '@shop/contracts';
import { AppError } from '@shop/problem-details';

const IDEMPOTENCY_HEADER = 'idempotency-key';

/** The Idempotency-Key header, checked here so a bad one never reaches an app. */
function idempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(value)) {
    throw new AppError(400, ErrorCode.ValidationFailed, 'The request is not valid', {
      errors: { 'Idempotency-Key': ['must be 1-100 letters, digits, dots, dashes, underscores or colons'] },
    });
  }
  return value;
}

/**
 * The handler parameter for the Idempotency-Key header, validated. Not `@Headers()`: Swagger
 * would document that as a second, required header beside {@link IdempotencyHeaderDoc}.
 */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext) =>
  idempotencyKey(
    context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers[IDEMPOTENCY_HEADER],
  ),
);

export const IdempotencyHeaderDoc = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source },
    description:
      'Repeats with the same key (kept 24 h) get the first response and change nothing; another body with it is 422.',
  });
