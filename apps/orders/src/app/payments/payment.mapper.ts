import type { PaymentDto, PaymentStatus } from '@shop/contracts';
import type { payments } from '../db/schema';

export const toPaymentDto = (payment: typeof payments.$inferSelect): PaymentDto => ({
  id: payment.id,
  orderId: payment.orderId,
  provider: payment.provider,
  status: payment.status as PaymentStatus,
  amount: payment.amount,
  currency: payment.currency,
  providerReference: payment.providerRef,
  createdAt: payment.createdAt.toISOString(),
  updatedAt: payment.updatedAt.toISOString(),
});
