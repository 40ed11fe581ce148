/** The SQLSTATEs of the constraint violations an app turns into a client error. */
const SQLSTATE = { unique: '23505', foreignKey: '23503', check: '23514' } as const;
export type ConstraintKind = keyof typeof SQLSTATE;

/** True when `error` (or the driver error Drizzle wrapped in it) breaks a constraint of that kind. */
export function isConstraintViolation(error: unknown, kind: ConstraintKind, constraint?: string): boolean {
  for (let current = error; current; current = (current as { cause?: unknown }).cause) {
    const { code, constraint: name } = current as { code?: string; constraint?: string };
    if (code === SQLSTATE[kind]) return constraint === undefined || name === constraint;
  }
  return false;
}

export const isUniqueViolation = (error: unknown, constraint?: string): boolean =>
  isConstraintViolation(error, 'unique', constraint);

/**
 * Runs `write`; if it breaks `constraint`, throws `refusal()` instead (say, a 409). A race the
 * code checked for but could not lock against ends here as the same answer the check gives.
 */
export async function onConstraintViolation<T>(
  kind: ConstraintKind,
  constraint: string,
  refusal: () => Error,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw isConstraintViolation(error, kind, constraint) ? refusal() : error;
  }
}

export const onUniqueViolation = <T>(constraint: string, conflict: () => Error, write: () => Promise<T>) =>
  onConstraintViolation('unique', constraint, conflict, write);
