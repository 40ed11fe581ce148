/** A NUL (PostgreSQL refuses it in text), or a surrogate without its pair (not a character at all). */
const UNSAFE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Every string in `value` (keys included) that no text column can store, by its field path
 * (`items.0.name`; the whole value is `value`). Checked before any validator runs: some choke on
 * them (an email check throws on a lone surrogate) and PostgreSQL would answer a NUL with an error.
 */
export function unsafeStrings(value: unknown, root = 'value'): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const pending: [unknown, string][] = [[value, '']];
  while (pending.length > 0) {
    const [current, path] = pending.pop()!;
    if (typeof current === 'string') {
      if (UNSAFE.test(current)) {
        errors[path || root] = [`${path || root} must not contain NUL characters or unpaired surrogates`];
      }
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, child] of Object.entries(current)) {
        const childPath = path ? `${path}.${key}` : key;
        if (UNSAFE.test(key))
          errors[childPath] = [`field names must not contain NUL characters or unpaired surrogates`];
        else pending.push([child, childPath]);
      }
    }
  }
  return errors;
}
