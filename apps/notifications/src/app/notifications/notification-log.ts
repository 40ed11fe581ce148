import { Inject, Injectable } from '@nestjs/common';
import {
  DEFAULT_PAGE_SIZE,
  type NotificationDto,
  type NotificationListQuery,
  type NotificationPageDto,
} from '@shop/contracts';
import { DATABASE, type Database } from '@shop/service-defaults';
import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import { type NotificationRow, notifications, type NotificationsSchema } from '../db/schema';

/** What was sent to whom, for operators. */
@Injectable()
export class NotificationLog {
  constructor(@Inject(DATABASE) private readonly db: Database<NotificationsSchema>) {}

  async list({
    page = 1,
    limit = DEFAULT_PAGE_SIZE,
    userId,
    orderId,
    status,
    channel,
  }: NotificationListQuery): Promise<NotificationPageDto> {
    const filters: SQL[] = [];
    if (userId) filters.push(eq(notifications.userId, userId.toLowerCase()));
    if (orderId) filters.push(eq(notifications.orderId, orderId.toLowerCase()));
    if (status) filters.push(eq(notifications.status, status));
    if (channel) filters.push(eq(notifications.channel, channel));
    const where = and(...filters);
    const [rows, [{ total }]] = await Promise.all([
      this.db
        .select()
        .from(notifications)
        .where(where)
        .orderBy(desc(notifications.createdAt), desc(notifications.id))
        .limit(limit)
        .offset((page - 1) * limit),
      this.db.select({ total: count() }).from(notifications).where(where),
    ]);
    return { items: rows.map(toNotificationDto), total, page, limit };
  }
}

function toNotificationDto(row: NotificationRow): NotificationDto {
  return {
    id: row.id,
    eventId: row.eventId,
    template: row.template,
    channel: row.channel,
    recipient: row.recipient,
    userId: row.userId,
    orderId: row.orderId,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
  };
}
