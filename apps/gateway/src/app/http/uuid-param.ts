import { ParseUUIDPipe, type PipeTransform } from '@nestjs/common';
import { ErrorCode } from '@shop/contracts';
import { AppError } from '@shop/problem-details';

/**
 * A path id that is not a UUID is a 400 naming the parameter. UUIDs are case-insensitive: the id
 * goes on in lower case, as the database returns it and the caches key it.
 */
export const uuidParam = (name: string): PipeTransform<string, Promise<string>> => {
  const parse = new ParseUUIDPipe({
    exceptionFactory: () =>
      new AppError(400, ErrorCode.ValidationFailed, 'The request is not valid', {
        errors: { [name]: [`${name} must be a UUID`] },
      }),
  });
  return { transform: async (value, metadata) => (await parse.transform(value, metadata)).toLowerCase() };
};
