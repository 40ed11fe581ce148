import { Injectable, type PipeTransform } from '@nestjs/common';
import { ErrorCode } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { isUUID } from 'class-validator';

/** Path ids: a malformed one is a 400 naming the parameter, never a database error. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (isUUID(value)) return value.toLowerCase();
    throw new AppError(400, ErrorCode.ValidationFailed, 'The id is not a UUID', {
      errors: { id: ['id must be a UUID'] },
    });
  }
}
