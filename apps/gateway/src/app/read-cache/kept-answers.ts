/**
 * Answers of one kind kept at this gateway replica, in the order they were kept: past `max` the
 * oldest go first (a cache, not a copy of an app's data). Forgetting also voids every fetch in
 * flight: a fetch that started before a change may hold what the change replaced, so it is
 * answered but not kept.
 */
export class KeptAnswers<V> {
  private readonly entries = new Map<string, V>();
  /** Bumped by every forget: a fetch kept only if it is unchanged when the fetch ends. */
  private generation = 0;

  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** `fetch`'s answer; unless something was forgotten meanwhile, `keep` makes the entry kept under `key`. */
  async fetch<T>(key: string, fetch: () => Promise<T>, keep: (answer: T) => V): Promise<T> {
    const generation = this.generation;
    const answer = await fetch();
    if (generation === this.generation) {
      const entry = keep(answer);
      this.entries.delete(key);
      this.entries.set(key, entry);
      if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    }
    return answer;
  }

  forget(key: string): void {
    this.entries.delete(key);
    this.generation++;
  }

  clear(): void {
    this.entries.clear();
    this.generation++;
  }
}
