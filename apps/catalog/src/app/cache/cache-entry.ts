/**
 * The cache's one rule, shared by both stores. An entry is a product at some version, or a
 * tombstone left by a write at that version. A reader may only store what it read if it is not
 * older than what is there, so a reader that raced a write can never put back the old version
 * after the write has returned.
 */
export interface CacheEntry {
  version: number;
  /** Absent for a tombstone. */
  value?: string;
}

export function mayReplace(current: CacheEntry | undefined, incoming: CacheEntry): boolean {
  if (!current) return true;
  if (incoming.value === undefined) return incoming.version >= current.version;
  return current.value === undefined ? incoming.version >= current.version : incoming.version > current.version;
}

/** An entry without its generation prefix: `<version>:<json>`, a tombstone `<version>:`. */
export function decodeEntry(raw: string): CacheEntry {
  const separator = raw.indexOf(':');
  const value = raw.slice(separator + 1);
  return { version: Number(raw.slice(0, separator)), value: value === '' ? undefined : value };
}
