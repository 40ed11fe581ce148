import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsString, IsUUID, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { Omittable } from '../omittable.decorator';
import { NOT_BLANK, trimmed } from '../transforms';
import { ActorDto } from './actor.dto';
import { IDEMPOTENCY_KEY_PATTERN } from './order-requests';

/** POST /orders/:id/payments. The amount is never the client's: it is the order's total. */
export class PayOrderDto {
  @ApiProperty({
    description: 'A card number with the test provider; a Stripe PaymentMethod id with Stripe.',
    example: '4242 4242 4242 4242',
    ...NOT_BLANK,
    maxLength: 100,
  })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  paymentMethod: string;
}

export class PayOrderRequest extends PayOrderDto {
  @ValidateNested()
  @Type(() => ActorDto)
  actor: ActorDto;

  @IsUUID()
  orderId: string;

  @Omittable()
  @IsString()
  @Matches(IDEMPOTENCY_KEY_PATTERN)
  idempotencyKey?: string;
}

/**
 * A payment attempt's status. Cards are authorized at checkout and captured at shipment:
 * `authorized` holds the money on the card, `captured` took it, `voided` let an authorization go
 * (the order was cancelled before shipment), `refunded` gave captured money back.
 */
export const PAYMENT_STATUSES = ['processing', 'authorized', 'captured', 'voided', 'declined', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export class PaymentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  orderId: string;

  @ApiProperty({
    enum: ['test', 'stripe', 'none'],
    enumName: 'PaymentProvider',
    description: '`none`: the order total was 0, so it was paid without charging anyone (paymentMethod is unused).',
  })
  provider: string;

  @ApiProperty({ enum: PAYMENT_STATUSES, enumName: 'PaymentStatus' })
  status: PaymentStatus;

  @ApiProperty({ description: 'Minor units: the order total.', example: 4980 })
  amount: number;

  @ApiProperty({ example: 'USD' })
  currency: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'pi_3MtwBwLkdIwHu7ix28a3tqPa',
    description: "The provider's id for this attempt (Stripe: the PaymentIntent); null until the provider answered.",
  })
  providerReference: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', description: 'When the status last changed.' })
  updatedAt: string;
}

/** GET /orders/:id/payments: every attempt of an order, oldest first. No card data. */
export class PaymentListDto {
  @ApiProperty({ type: [PaymentDto] })
  items: PaymentDto[];
}

export class PaymentRefRequest {
  @ValidateNested()
  @Type(() => ActorDto)
  actor: ActorDto;

  @IsUUID()
  paymentId: string;
}

/** `orders.payments.stripe-webhook`: the raw body exactly as Stripe sent it, and its signature header. */
export class StripeWebhookRequest {
  @IsString()
  payload: string;

  @IsString()
  signature: string;
}
