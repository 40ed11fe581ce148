import { sql, type SQL } from 'drizzle-orm';
import type { DomainEvent } from '@shop/contracts';
import type { Database } from '../database/database';
import { requestContext } from '../logging/request-context';
import { rowsOf } from '../polling/lease-due-rows';
import { processedEvents } from './outbox.schema';

/** Events per statement; more wait for the next one (a relay's round is up to 100). */
const MAX_BATCH = 50;

/** PostgreSQL writes a uuid in lower case. */
const idOf = (event: DomainEvent) => event.id.toLowerCase();

interface Pending {
  event: DomainEvent;
  fresh: SQL;
  write: SQL | undefined;
  done: (first: boolean) => void;
  fail: (error: unknown) => void;
}

/**
 * Commits events' processed marks with their handlers' writes, the events that arrive together (a
 * relay's round, a prefetch's worth) in one statement: one round trip and one commit for several,
 * each event's write still atomic with its mark. Statements run one at a time, each taking what
 * arrived meanwhile (group commit). A statement that fails is retried event by event, so one bad
 * write fails only its own event.
 */
export class ProcessedMarkBatcher {
  private pending: Pending[] = [];
  private flushing?: Promise<void>;
  private names = 0;

  constructor(private readonly db: Database<Record<string, unknown>>) {}

  /** The relation an event's write takes its rows from; its name is unique among the events of one statement. */
  fresh(): SQL {
    this.names = (this.names + 1) % 1_000_000;
    return sql.raw(`fresh_${this.names}`);
  }

  /** Resolves once the event's mark and `write` committed: true if this delivery was its first. */
  commit(event: DomainEvent, fresh: SQL, write: SQL | undefined): Promise<boolean> {
    return new Promise((done, fail) => {
      this.pending.push({ event, fresh, write, done, fail });
      // Several events' statement belongs to none of their requests: it runs outside their context.
      this.flushing ??= requestContext.exit(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    // Deliveries read from the same socket data arrive within this turn of the event loop.
    await new Promise(setImmediate);
    try {
      while (this.pending.length) await this.run(this.pending.splice(0, MAX_BATCH));
    } finally {
      this.flushing = undefined;
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    let marked: Set<string>;
    try {
      marked = await this.statement(batch);
    } catch (error) {
      if (batch.length === 1) return batch[0].fail(error);
      for (const entry of batch) await this.run([entry]);
      return;
    }
    // A second delivery of an id within the batch is a duplicate of the first.
    const seen = new Set<string>();
    for (const { event, done } of batch) {
      done(marked.has(idOf(event)) && !seen.has(idOf(event)));
      seen.add(idOf(event));
    }
  }

  /** The ids (as PostgreSQL writes them) this statement marked. */
  private async statement(batch: Pending[]): Promise<Set<string>> {
    const firsts = batch.filter(
      (entry, i) => batch.findIndex((other) => idOf(other.event) === idOf(entry.event)) === i,
    );
    const values = firsts.map(({ event }) => sql`(${event.id}::uuid, ${event.type})`);
    const relations = firsts.flatMap(({ event, fresh, write }, i) => [
      sql`${fresh} as (select event_id from marked where event_id = ${event.id}::uuid)`,
      ...(write ? [sql`${sql.raw(`write_${i}`)} as (${write})`] : []),
    ]);
    const rows = rowsOf<{ event_id: string }>(
      await this.db.execute(sql`
        with marked as (
          insert into ${processedEvents} (event_id, type) values ${sql.join(values, sql`, `)}
          on conflict do nothing returning event_id
        ), ${sql.join(relations, sql`, `)}
        select event_id from marked`),
    );
    return new Set(rows.map((row) => row.event_id));
  }
}
