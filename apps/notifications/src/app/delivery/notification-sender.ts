import { Inject, Injectable, Logger } from '@nestjs/common';
import { backoffMs, DATABASE, type Database, leaseDueRows, PollingWorker } from '@shop/service-defaults';
import { inArray, sql } from 'drizzle-orm';
import { Counter } from 'prom-client';
import { metricsRegistry } from '@shop/service-defaults';
import { type NotificationRow, notifications, type NotificationsSchema } from '../db/schema';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../notifications.config';
import { TemplateRenderer } from '../templates/template-renderer';
import { Mailer } from './mailer';
import type { SmsSender } from './sms-sender';

export const SMS_SENDER = Symbol('SMS_SENDER');
export const MAILER = Symbol('MAILER');

/**
 * Rows a round leases. The lease and the sent mark are one statement each however many rows a round
 * takes, and the mailer spreads a round's emails over its kept connections.
 */
const BATCH = 100;
/** Longer than any one send may take (SMTP and Twilio calls time out well before). */
const LEASE_SECONDS = 120;

const notificationsCounter = new Counter({
  name: 'shop_notifications_total',
  help: 'Messages by channel and outcome: sent, retried (a failed try, tried again later), failed (given up)',
  labelNames: ['channel', 'outcome'] as const,
  registers: [metricsRegistry],
});

/** snake_case columns as `RETURNING *` gives them. */
interface ClaimedNotification {
  id: string;
  channel: NotificationRow['channel'];
  template: string;
  recipient: string;
  data: object;
  attempts: number;
  event_id: string;
}

/**
 * Sends queued messages. Rows are leased ({@link leaseDueRows}), so replicas share the work
 * and never send one row at once; a failure is tried again with exponential backoff, and after
 * NOTIFY_MAX_ATTEMPTS the row is `failed`, with its last error, and counted: never dropped silently.
 */
@Injectable()
export class NotificationSender extends PollingWorker {
  protected readonly logger = new Logger('NotificationSender');

  constructor(
    @Inject(DATABASE) private readonly db: Database<NotificationsSchema>,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
    @Inject(MAILER) private readonly mailer: Mailer,
    @Inject(SMS_SENDER) private readonly sms: SmsSender,
    private readonly renderer: TemplateRenderer,
  ) {
    super();
  }

  protected pollMs(): number {
    return this.config.delivery.pollMs;
  }

  /** A full batch means more is waiting. */
  protected async round(): Promise<boolean> {
    return (await this.sendDue()) === BATCH;
  }

  protected override async afterLastRound(): Promise<void> {
    this.mailer.close();
  }

  /** One round: sends what is due; resolves with how many rows it took. */
  async sendDue(): Promise<number> {
    const claimed = await leaseDueRows<ClaimedNotification, NotificationsSchema>(this.db, {
      table: 'notifications',
      key: 'id',
      due: sql`candidate.status = 'queued' AND candidate.next_attempt_at <= now()`,
      order: sql`candidate.next_attempt_at`,
      batch: BATCH,
      leaseSeconds: LEASE_SECONDS,
      set: sql`attempts = candidate.attempts + 1`,
      returning: sql`id, channel, template, recipient, data, attempts, event_id`,
    });
    const sent = (await Promise.all(claimed.map((row) => this.send(row)))).filter((row) => row !== undefined);
    if (sent.length) await this.markSent(sent);
    return claimed.length;
  }

  /** Resolves with the row once sent; a failure is recorded (retry or give up) and resolves undefined. */
  private async send(row: ClaimedNotification): Promise<ClaimedNotification | undefined> {
    try {
      if (row.channel === 'email') await this.mailer.send(row.recipient, this.renderer.email(row.template, row.data));
      else await this.sms.send(row.recipient, this.renderer.sms(row.template, row.data));
      return row;
    } catch (error) {
      await this.failed(row, error as Error);
      return undefined;
    }
  }

  /**
   * The round's sent rows in one statement. A crash before it leaves them leased, to be sent again
   * when the lease runs out: at least once, as when a single row's update was lost.
   */
  private async markSent(rows: ClaimedNotification[]): Promise<void> {
    await this.db
      .update(notifications)
      .set({ status: 'sent', sentAt: sql`now()`, updatedAt: sql`now()`, lockedUntil: null, lastError: null })
      .where(
        inArray(
          notifications.id,
          rows.map((row) => row.id),
        ),
      );
    for (const row of rows) notificationsCounter.inc({ channel: row.channel, outcome: 'sent' });
    this.logger.log(
      {
        notifications: rows.map((row) => ({
          id: row.id,
          eventId: row.event_id,
          template: row.template,
          attempts: row.attempts,
        })),
      },
      `Sent ${rows.length} message(s)`,
    );
  }

  private async failed(row: ClaimedNotification, error: Error): Promise<void> {
    const { maxAttempts, retryBaseMs } = this.config.delivery;
    const final = row.attempts >= maxAttempts;
    const delayMs = backoffMs(row.attempts, retryBaseMs, 10 * 60_000);
    await this.db.execute(sql`
      UPDATE notifications SET
        status = ${final ? 'failed' : 'queued'}, last_error = ${error.message.slice(0, 1000)}, locked_until = NULL,
        updated_at = now(), next_attempt_at = now() + make_interval(secs => ${delayMs / 1000})
      WHERE id = ${row.id}`);
    notificationsCounter.inc({ channel: row.channel, outcome: final ? 'failed' : 'retried' });
    const log = { notificationId: row.id, eventId: row.event_id, attempts: row.attempts, error: error.message };
    if (final) this.logger.error(log, `Gave up sending ${row.template} by ${row.channel}`);
    else this.logger.warn({ ...log, retryInMs: delayMs }, `Sending ${row.template} by ${row.channel} failed; retrying`);
  }
}
