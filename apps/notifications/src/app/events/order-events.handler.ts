import { Inject, Injectable } from '@nestjs/common';
import type { DomainEvent, EventType, OrderEventPayload } from '@shop/contracts';
import { AuthApi, type ConsumerTransaction, type EventHandler } from '@shop/service-defaults';
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
 * Turns order events into messages to send: one row per (event, channel) in the transaction that
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

  async handle(event: DomainEvent, tx: ConsumerTransaction): Promise<void> {
    const order = event.payload as OrderEventPayload;
    const user = await this.recipients.get(order.userId, () => this.auth.me({ userId: order.userId }));
    const data = { ...order, orderNumber: order.orderId, name: user.name, shop: this.config.shop.name };
    const row = { eventId: event.id, userId: user.id, orderId: order.orderId, data };
    const emailTemplate = EMAIL_TEMPLATE[event.type as keyof typeof EMAIL_TEMPLATE];
    const smsTemplate = SMS_TEMPLATE[event.type];
    const queued = [];
    if (user.notifications.email) {
      queued.push({ ...row, channel: 'email' as const, template: emailTemplate, recipient: user.email });
    }
    if (smsTemplate && user.phone && user.notifications.sms) {
      queued.push({ ...row, channel: 'sms' as const, template: smsTemplate, recipient: user.phone });
    }
    if (queued.length) await tx.insert(notifications).values(queued).onConflictDoNothing();
  }
}
