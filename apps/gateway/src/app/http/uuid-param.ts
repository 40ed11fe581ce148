import { ParseUUIDPipe } from '@nestjs/common';
import { ErrorCode } from '@shop/contracts';
import { AppError } from '@shop/problem-details';

/** A path id that is not a UUID is a 400 naming the parameter. */
export const uuidParam = (name: string) =>
  new ParseUUIDPipe({
    exceptionFactory: () =>
      new AppError(400, ErrorCode.ValidationFailed, 'The request is not valid', {
        errors: { [name]: [`${name} must be a UUID`] },
      }),
  });
