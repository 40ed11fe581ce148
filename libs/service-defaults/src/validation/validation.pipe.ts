import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { ErrorCode } from '@shop/contracts';
import { AppError, fieldErrors } from '@shop/problem-details';
import { acceptCheck } from './accept-check';
import { unsafeStrings } from './unsafe-strings';
import { cacheValidationMetadata } from './validation-metadata.cache';

/** Types Nest reports for a body declared without a DTO class; those are not ours to judge here. */
const UNTYPED = new Set<unknown>([Object, Array, String, Number, Boolean]);

const invalid = (errors: Record<string, string[]>) =>
  new AppError(400, ErrorCode.ValidationFailed, 'The request is not valid', { errors });

/**
 * Whitelisted DTOs only: unknown fields are refused, values converted to their declared types.
 * Before any validator runs, a body must be a JSON object when one is sent (Nest's pipe would
 * take `null` for "no body"), and no string may hold what a text column cannot store. The usual
 * valid message of a simple request class is taken by its compiled {@link acceptCheck}.
 */
class ShopValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && typeof metadata.metatype === 'function' && value !== undefined) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw invalid({ body: ['the body must be a JSON object'] });
      }
    }
    const unsafe = unsafeStrings(value, metadata.data ?? metadata.type);
    if (Object.keys(unsafe).length > 0) throw invalid(unsafe);
    const accepted = this.toValidate(metadata) ? acceptCheck(metadata.metatype as never)?.(value) : undefined;
    return accepted ?? super.transform(value, metadata);
  }
}

export const validationPipe = () => {
  cacheValidationMetadata();
  return new ShopValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validateCustomDecorators: true,
    exceptionFactory: (errors) => invalid(fieldErrors(errors)),
  });
};
