/** The SQLSTATEs of the constraint violations an app turns into a client error. */
const SQLSTATE = { unique: '23505', foreignKey: '23503', check: '23514' } as const;
export type ConstraintKind = keyof typeof SQLSTATE;

/** The driver error in `error` or in the causes Drizzle wrapped around it. */
function driverError(error: unknown): { code?: string; constraint?: string } | undefined {
  for (let current = error; current; current = (current as { cause?: unknown }).cause) {
    if (typeof (current as { code?: unknown }).code === 'string') return current as { code: string };
  }
  return undefined;
}

/** True when `error` breaks a constraint of that kind (and that name, when given). */
export function isConstraintViolation(error: unknown, kind: ConstraintKind, constraint?: string): boolean {
  const cause = driverError(error);
  return cause?.code === SQLSTATE[kind] && (constraint === undefined || cause.constraint === constraint);
}

export const isUniqueViolation = (error: unknown, constraint?: string): boolean =>
  isConstraintViolation(error, 'unique', constraint);

/**
 * Runs `write`; if it breaks one of the constraints named in `refusals`, throws what that one
 * gives instead (say, a 409). Constraint names are unique in a schema, so the name says which
 * promise was broken. A race the code checked for but did not lock against ends here as the
 * same answer the check gives.
 */
export async function onConstraintViolation<T>(
  refusals: Record<string, () => Error>,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const cause = driverError(error);
    const refusal =
      cause?.code?.startsWith('23') && cause.constraint && Object.hasOwn(refusals, cause.constraint)
        ? refusals[cause.constraint]
        : undefined;
    throw refusal ? refusal() : error;
  }
}

/** Runs `write`; if it breaks the unique `constraint`, throws `conflict()` instead. */
export const onUniqueViolation = <T>(constraint: string, conflict: () => Error, write: () => Promise<T>) =>
  onConstraintViolation({ [constraint]: conflict }, write);
