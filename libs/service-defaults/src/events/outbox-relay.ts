import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DomainEvent } from '@shop/contracts';
import { sql } from 'drizzle-orm';
import { Gauge } from 'prom-client';
import { DATABASE } from '../database/database.module';
import type { Database } from '../database/database';
import { metricsRegistry } from '../metrics/metrics';
import { EVENT_TRANSPORT, EVENTS_CONFIG } from './events.tokens';
import type { EventsConfig } from './events.config';
import { eventMetrics } from './events.metrics';
import { type EventTransport, HandlerFailedError } from './event-transport';
import { backoffMs, leaseDueRows, rowsOf } from '../polling/lease-due-rows';
import { PollingWorker } from '../polling/polling-worker';

/** Rows claimed per round; each round takes at most one per aggregate (its oldest unsent). */
const BATCH = 100;
/** A relay that dies mid-publish holds its rows this long; then another round takes them again. */
const LEASE_SECONDS = 30;
const PRUNE_EVERY_MS = 60_000;

interface ClaimedRow extends Record<string, unknown> {
  seq: number;
  envelope: DomainEvent;
  attempts: number;
}

/**
 * Publishes the outbox. Each round leases ({@link leaseDueRows}) the oldest unsent event
 * of every aggregate whose earlier events are all out, so events of one aggregate leave in the
 * order they were written and replicas never publish the same row at once. A failed publication
 * is tried again with exponential backoff; a crash between commit and publish (or mid-publish)
 * leaves the row unsent, and it goes out after the restart or once its lease expires. Delivery is
 * therefore at least once: consumers deduplicate by event id. Published rows are pruned after
 * the retention period.
 */
@Injectable()
export class OutboxRelay extends PollingWorker {
  protected readonly logger = new Logger('OutboxRelay');
  private lastPrune = 0;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_TRANSPORT) private readonly transport: EventTransport,
    @Inject(EVENTS_CONFIG) private readonly config: EventsConfig,
  ) {
    super();
    outboxDatabase = db;
  }

  protected pollMs(): number {
    return this.config.pollMs;
  }

  /** A full batch means more is waiting. */
  protected async round(): Promise<boolean> {
    return (await this.relayOnce()) === BATCH;
  }

  protected override afterLastRound(): Promise<void> {
    return this.transport.close();
  }

  /** One round: publish what is due, prune now and then. Exposed for tests that drive it by hand. */
  async relayOnce(): Promise<number> {
    const rows = await this.claim();
    // Outside the causing requests' context: a retry minutes later is not part of that request, and
    // its warnings must not be taken for the request's own (the envelope carries the id onwards).
    const failures = rows.length ? await this.transport.publish(rows.map((row) => row.envelope)) : [];
    const published = rows.filter((_, i) => !failures[i]);
    await Promise.all(rows.flatMap((row, i) => (failures[i] ? [this.failed(row, failures[i])] : [])));
    // One statement marks the round's published rows: a commit per round, not per event.
    if (published.length) {
      await this.db.execute(
        sql`UPDATE outbox SET published_at = now(), locked_until = NULL WHERE seq IN (${sql.join(
          published.map((row) => sql`${row.seq}`),
          sql`, `,
        )})`,
      );
      for (const { envelope: event } of published) eventMetrics.published.inc({ type: event.type });
      // One line per round; each failure has its own (see failed).
      this.logger.log(
        { eventIds: published.map((row) => row.envelope.id) },
        `Published ${published.length} of ${rows.length} events`,
      );
    }
    if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) await this.prune();
    return rows.length;
  }

  private claim(): Promise<ClaimedRow[]> {
    return leaseDueRows<ClaimedRow, Record<string, never>>(this.db, {
      table: 'outbox',
      key: 'seq',
      due: sql`candidate.published_at IS NULL AND candidate.dead_at IS NULL AND candidate.next_attempt_at <= now()
        AND NOT EXISTS (
          SELECT 1 FROM outbox e
          WHERE e.aggregate_id = candidate.aggregate_id AND e.seq < candidate.seq
            AND e.published_at IS NULL AND e.dead_at IS NULL
        )`,
      order: sql`candidate.seq`,
      batch: BATCH,
      leaseSeconds: LEASE_SECONDS,
      returning: sql`seq, envelope, attempts`,
    });
  }

  private async failed(row: ClaimedRow, error: Error): Promise<void> {
    const event = row.envelope;
    const attempts = row.attempts + 1;
    // Only a handler that answered with a failure is given up on; an unreachable broker or
    // consumer is waited for however long it takes (the outbox grows, and the gauges show it).
    const dead = error instanceof HandlerFailedError && attempts >= this.config.maxAttempts;
    const delayMs = backoffMs(attempts, this.config.retryBaseMs);
    await this.db.execute(sql`
      UPDATE outbox SET attempts = ${attempts}, last_error = ${error.message.slice(0, 1000)}, locked_until = NULL,
        next_attempt_at = now() + make_interval(secs => ${delayMs / 1000}),
        dead_at = ${dead ? sql`now()` : sql`NULL`}
      WHERE seq = ${row.seq}`);
    if (dead) {
      eventMetrics.deadLettered.inc({ type: event.type });
      this.logger.error(
        { eventId: event.id, type: event.type, attempts, error: error.message },
        `Gave up on ${event.type}`,
      );
    } else {
      eventMetrics.retried.inc({ type: event.type });
      this.logger.warn(
        { eventId: event.id, type: event.type, attempts, retryInMs: delayMs, error: error.message },
        `Publishing ${event.type} failed; retrying`,
      );
    }
  }

  private async prune(): Promise<void> {
    this.lastPrune = Date.now();
    const hours = this.config.retentionHours;
    await this.db.execute(sql`DELETE FROM outbox WHERE published_at < now() - make_interval(hours => ${hours})`);
  }
}

/** The database the outbox gauges read; one relay per process. */
let outboxDatabase: Database | undefined;

async function outboxStats(): Promise<{ depth: number; age: number | null }> {
  if (!outboxDatabase) return { depth: 0, age: null };
  const [row] = rowsOf<{ depth: number; age: number | null }>(
    await outboxDatabase.execute(sql`
      SELECT count(*)::int AS depth, extract(epoch FROM now() - min(created_at))::float8 AS age
      FROM outbox WHERE published_at IS NULL AND dead_at IS NULL`),
  );
  return row;
}

// Read from the table when Prometheus scrapes, so every replica reports the truth of the shared outbox.
new Gauge({
  name: 'shop_outbox_depth',
  help: 'Events in the outbox not yet published',
  registers: [metricsRegistry],
  async collect() {
    this.set((await outboxStats()).depth);
  },
});
new Gauge({
  name: 'shop_outbox_oldest_unsent_age_seconds',
  help: 'Age of the oldest unpublished event in the outbox (0 when empty)',
  registers: [metricsRegistry],
  async collect() {
    this.set((await outboxStats()).age ?? 0);
  },
});
