import { Inject, Injectable } from '@nestjs/common';
import type { DomainEvent, EventType, OrderEventPayload } from '@shop/contracts';
import { AuthApi, type EventHandler } from '@shop/service-defaults';
import { sql, type SQL } from 'drizzle-orm';
import { notifications } from '../db/schema';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../notifications.config';
import { RecipientCache } from './recipient-cache';

/** The email each order event sends, by template folder (see ../templates). */
const EMAIL_TEMPLATE = {
  'order.placed': 'order-placed',
  'order.paid': 'order-paid',
  'order.shipped': 'order-shipped',
  'order.delivered': 'order-delivered',
  'order.cancelled': 'order-cancelled',
  'order.refunded': 'order-refunded',
} as const satisfies Partial<Record<EventType, string>>;

/** Events that also send a text message, to customers who gave a phone and opted in. */
const SMS_TEMPLATE: Partial<Record<EventType, string>> = { 'order.shipped': 'order-shipped-sms' };

/**
 * Turns order events into messages to send: one row per (event, channel) in the statement that
 * marks the event handled, so a redelivered event queues nothing twice. The sender sends them.
 */
@Injectable()
export class OrderEventsHandler implements EventHandler {
  readonly handles = Object.keys(EMAIL_TEMPLATE) as (keyof typeof EMAIL_TEMPLATE)[];

  constructor(
    private readonly auth: AuthApi,
    private readonly recipients: RecipientCache,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
  ) {}

  async handle(event: DomainEvent, fresh: SQL): Promise<SQL | undefined> {
    const order = event.payload as OrderEventPayload;
    const user = await this.recipients.get(order.userId, () => this.auth.me({ userId: order.userId }));
    const data = JSON.stringify({ ...order, orderNumber: order.orderId, name: user.name, shop: this.config.shop.name });
    const emailTemplate = EMAIL_TEMPLATE[event.type as keyof typeof EMAIL_TEMPLATE];
    const smsTemplate = SMS_TEMPLATE[event.type];
    const queued: SQL[] = [];
    if (user.notifications.email) queued.push(sql`('email', ${emailTemplate}, ${user.email})`);
    if (smsTemplate && user.phone && user.notifications.sms) queued.push(sql`('sms', ${smsTemplate}, ${user.phone})`);
    if (!queued.length) return undefined;
    return sql`
      insert into ${notifications} (event_id, user_id, order_id, data, channel, template, recipient)
      select fresh.event_id, ${user.id}::uuid, ${order.orderId}::uuid, ${data}::jsonb, queued.channel, queued.template, queued.recipient
      from ${fresh} fresh, (values ${sql.join(queued, sql`, `)}) as queued (channel, template, recipient)
      on conflict do nothing`;
  }
}
