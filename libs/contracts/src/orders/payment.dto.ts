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

export type PaymentStatus = 'processing' | 'succeeded' | 'declined' | 'refunded';

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

  @ApiProperty({ enum: ['processing', 'succeeded', 'declined', 'refunded'], enumName: 'PaymentStatus' })
  status: PaymentStatus;

  @ApiProperty({ description: 'Minor units: the order total.', example: 4980 })
  amount: number;

  @ApiProperty({ example: 'USD' })
  currency: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

/** `orders.payments.stripe-webhook`: the raw body exactly as Stripe sent it, and its signature header. */
export class StripeWebhookRequest {
  @IsString()
  payload: string;

  @IsString()
  signature: string;
}
