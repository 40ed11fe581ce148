import type { UserDto } from '@shop/contracts';

const MAX_ENTRIES = 10_000;

/**
 * Customers' contact details from auth, reused for `ttlMs`: a customer placing several orders in a
 * row costs auth one lookup, not one per event, and concurrent events of one customer share the
 * lookup in flight. An email therefore goes to an address at most `ttlMs` older than the event's
 * handling. A failed lookup is not kept: the event's retry asks again.
 */
export class RecipientCache {
  private readonly entries = new Map<string, { user: Promise<UserDto>; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(userId: string, load: () => Promise<UserDto>): Promise<UserDto> {
    const entry = this.entries.get(userId);
    if (entry && entry.expires > this.now()) return entry.user;
    const user = load();
    this.entries.delete(userId);
    // Maps iterate in insertion order, so the first key is the least recently stored.
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    const stored = { user, expires: this.now() + this.ttlMs };
    this.entries.set(userId, stored);
    user.catch(() => {
      if (this.entries.get(userId) === stored) this.entries.delete(userId);
    });
    return user;
  }
}
