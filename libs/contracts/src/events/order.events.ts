import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { ORDER_STATUSES, type OrderStatus } from '../orders/order-status';
import { ProductIdentity } from './catalog.events';

export class OrderEventLine extends ProductIdentity {
  /** Minor units. */
  @IsInt()
  @Min(0)
  unitPrice: number;

  @IsInt()
  @Min(1)
  quantity: number;

  @IsInt()
  @Min(0)
  lineTotal: number;
}

/** The order as it stands after the change: every order event carries it, so consumers need not ask. */
export class OrderEventPayload {
  @IsUUID()
  orderId: string;

  @IsUUID()
  userId: string;

  @IsIn(ORDER_STATUSES)
  status: OrderStatus;

  /** Minor units. */
  @IsInt()
  @Min(0)
  total: number;

  /** ISO 4217. */
  @IsString()
  currency: string;

  @ValidateNested({ each: true })
  @Type(() => OrderEventLine)
  lines: OrderEventLine[];
}

export class OrderReasonPayload extends OrderEventPayload {
  /** Why (a decline code, `expired`, …); null when none was given. */
  @IsOptional()
  @IsString()
  reason: string | null;
}

export class OrderShippedPayload extends OrderEventPayload {
  /** Given with the move to shipped; null only in events written before shipments recorded them. */
  @IsOptional()
  @IsString()
  carrier: string | null;

  @IsOptional()
  @IsString()
  trackingNumber: string | null;
}

export class OrderRefundedPayload extends OrderEventPayload {
  /** Minor units given back. */
  @IsInt()
  @Min(0)
  amount: number;
}
