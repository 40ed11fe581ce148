import { ValidationPipe } from '@nestjs/common';
import { ErrorCode } from '@shop/contracts';
import { AppError, fieldErrors } from '@shop/problem-details';

/** Whitelisted DTOs only: unknown fields are refused, values converted to their declared types. */
export const validationPipe = () =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validateCustomDecorators: true,
    exceptionFactory: (errors) =>
      new AppError(400, ErrorCode.ValidationFailed, 'The request is not valid', {
        errors: fieldErrors(errors),
      }),
  });
