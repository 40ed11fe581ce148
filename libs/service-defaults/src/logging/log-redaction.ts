import type { LoggerOptions } from 'pino';

/**
 * Database errors carry the values of the statement that failed: Drizzle puts them in
 * `params` and in its message ("Failed query: … params: …"), PGlite adds `params` and
 * `queryOptions` to its errors, and PostgreSQL's `detail` and `where` quote row values ("Failing
 * row contains (…)"). For an INSERT INTO users that is an argon2 hash; for others, emails and
 * tokens. None of it may reach a log line. The SQL text stays: Drizzle sends every value as a
 * parameter, so the text holds placeholders only.
 */
const PARAM_LIKE_KEY = /^(params|parameters|values|bindings|args|queryOptions|detail|where|internalQuery)$/i;

/** Drizzle's "params: …" runs to the end of its message, whatever the values contain. */
const PARAMS_SUFFIX = /(\nparams: )[\s\S]*$/;

const REDACTED = '[redacted]';

export function redactText(text: string): string {
  return text.replace(PARAMS_SUFFIX, `$1${REDACTED}`);
}

/**
 * A copy of `error` without anything param-like, down its `cause` chain. It keeps the prototype
 * (so the class name is still logged as its type), code, constraint, table, column and SQL.
 */
export function redactError(error: Error, seen = new WeakSet<object>()): Error {
  seen.add(error);
  const copy = Object.create(Object.getPrototypeOf(error)) as Error & Record<string, unknown>;
  for (const [key, value] of Object.entries(error)) {
    if (!PARAM_LIKE_KEY.test(key)) copy[key] = redactValue(value, seen);
  }
  const message = redactText(error.message);
  // The stack starts with the message: replace it whole, frames kept. A stack that does not hold
  // the message (rewritten by someone) loses everything after "params: " instead.
  const stack = error.stack?.includes(error.message)
    ? error.stack.replace(error.message, () => message)
    : error.stack && redactText(error.stack);
  for (const [key, value] of [
    ['message', message],
    ['stack', stack],
  ] as const) {
    Object.defineProperty(copy, key, { value, writable: true, configurable: true, enumerable: false });
  }
  if ('cause' in error && !Object.prototype.propertyIsEnumerable.call(error, 'cause')) {
    copy.cause = redactValue(error.cause, seen);
  }
  return copy;
}

function redactValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Error) return seen.has(value) ? '[circular]' : redactError(value, seen);
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Only an error, or a string holding Drizzle's params, can carry query values. */
const mayCarryValues = (value: unknown) =>
  value instanceof Error || (typeof value === 'string' && PARAMS_SUFFIX.test(value));

/** What a log call was given, with every error and string in it (and its top-level fields) redacted. */
function redactLogArguments(args: unknown[]): unknown[] {
  // Most calls (every access-log line) carry nothing to redact: leave them uncopied.
  const clean = args.every(
    (arg) => !mayCarryValues(arg) && !(isPlainObject(arg) && Object.values(arg).some(mayCarryValues)),
  );
  if (clean) return args;
  const seen = new WeakSet<object>();
  return args.map((arg) => {
    if (!isPlainObject(arg)) return redactValue(arg, seen);
    return Object.fromEntries(Object.entries(arg).map(([key, value]) => [key, redactValue(value, seen)]));
  });
}

/**
 * Pino options that redact every log call of a logger and its children, before pino reads the
 * arguments: pino takes the line's `msg` from an error's message, so a serializer alone is too late.
 */
export const logRedaction: Pick<LoggerOptions, 'hooks'> = {
  hooks: {
    logMethod(args, method) {
      method.apply(this, redactLogArguments(args) as Parameters<typeof method>);
    },
  },
};
