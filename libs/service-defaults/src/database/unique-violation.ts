/** True when `error` (or the driver error Drizzle wrapped in it) is PostgreSQL's unique_violation. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let current = error; current; current = (current as { cause?: unknown }).cause) {
    const { code, constraint: name } = current as { code?: string; constraint?: string };
    if (code === '23505') return constraint === undefined || name === constraint;
  }
  return false;
}

/** Runs `write`; if it breaks the unique `constraint`, throws `conflict()` instead (say, a 409). */
export async function onUniqueViolation<T>(
  constraint: string,
  conflict: () => Error,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw isUniqueViolation(error, constraint) ? conflict() : error;
  }
}
