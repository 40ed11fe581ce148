import type { Type } from '@nestjs/common';
import { PartialType } from '@nestjs/swagger';
import { getMetadataStorage, IsDefined, IsOptional, ValidateIf } from 'class-validator';

const NOT_NULL = { message: '$property must not be null' };

/**
 * The field may be left out, but null is not "left out": it is refused with its own message.
 * class-validator's `@IsOptional()` skips null too, which lets `{"name": null}` through to a
 * NOT NULL column (a 500) or to code that reads null as "not given".
 */
export function Omittable(): PropertyDecorator {
  return (target, key) => {
    ValidateIf((_, value) => value !== undefined)(target, key);
    IsDefined(NOT_NULL)(target, key);
  };
}

/** The field may be left out or null, and null means something (say, "no category"): say what in its docs. */
export const OmittableOrNull = (): PropertyDecorator => IsOptional();

/**
 * Every field of `base` may be left out, none nulled unless `base` says null means something.
 * Nest's `PartialType` alone would let null through every field.
 */
export function PatchType<T>(base: Type<T>) {
  const patch = PartialType(base, { skipNullProperties: false });
  const validated = getMetadataStorage().getTargetValidationMetadatas(base, '', false, false);
  for (const key of new Set(validated.map((metadata) => metadata.propertyName))) {
    IsDefined(NOT_NULL)(patch.prototype, key);
  }
  return patch;
}
