import type { TransformFnParams } from 'class-transformer';

/** What {@link trimmed} with `@MinLength(1)` accepts, for the OpenAPI document: not blank. */
export const NOT_BLANK = { minLength: 1, pattern: '\\S' } as const;

export const trimmed = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);

/**
 * A query-string integer, converted only when written as plain decimal digits. `Number()` would
 * also take '' (as 0), '1e1', '0x2' and ' 3 '; those stay strings here, so `@IsInt()` refuses them.
 */
export const decimalInteger = ({ value }: TransformFnParams): unknown =>
  typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value;

/** UUIDs are case-insensitive; the database and the cache keys use lower case. */
export const lowerCased = ({ value }: TransformFnParams): unknown =>
  typeof value === 'string'
    ? value.toLowerCase()
    : Array.isArray(value)
      ? value.map((item: unknown) => (typeof item === 'string' ? item.toLowerCase() : item))
      : value;
