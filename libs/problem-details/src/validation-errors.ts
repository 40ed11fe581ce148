import type { ValidationError } from 'class-validator';

/** Flattens class-validator's tree into `{ "items.0.quantity": ["must be ≥ 1"] }`. */
export function fieldErrors(errors: ValidationError[], prefix = ''): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) result[path] = Object.values(error.constraints);
    if (error.children?.length) Object.assign(result, fieldErrors(error.children, path));
  }
  return result;
}
