import { getMetadataStorage } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type Lookup = Storage['getTargetValidationMetadatas'];

/**
 * Makes class-validator look up a class's rules once rather than on every validation. It
 * recomputes them per object validated, nested ones included, testing the class against every
 * class that has rules (`instanceof`, ~75 here): that search was the largest single cost of
 * validating a message. Rules are only added while classes are defined; any addition empties
 * the cache, so a class defined later is seen as before.
 */
export function cacheValidationMetadata(storage: Storage = getMetadataStorage()): void {
  const marked = storage as Storage & { cachesRules?: true };
  if (marked.cachesRules) return;
  marked.cachesRules = true;
  const cache = new Map<string, ReturnType<Lookup>>();
  const targets = new Map<unknown, number>();
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    let targetId = targets.get(target);
    if (targetId === undefined) targets.set(target, (targetId = targets.size));
    const key = `${targetId}\0${schema}\0${always}\0${strictGroups}\0${groups?.join('\0') ?? ''}`;
    let rules = cache.get(key);
    if (!rules) cache.set(key, (rules = lookup(target, schema, always, strictGroups, groups)));
    return rules;
  };
  for (const add of ['addValidationMetadata', 'addValidationSchema'] as const) {
    const original = storage[add].bind(storage) as (argument: never) => void;
    storage[add] = ((argument: never) => {
      cache.clear();
      original(argument);
    }) as never;
  }
}
