import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PostalAddressView } from '../auth/address.dto';
import { PageOf } from '../page.dto';
import { ORDER_STATUSES, type OrderStatus } from './order-status';
import { PAYMENT_STATUSES, type PaymentStatus } from './payment.dto';

export class OrderItemDto {
  @ApiProperty({ format: 'uuid' })
  productId: string;

  @ApiProperty({ example: 'COF-001' })
  sku: string;

  @ApiProperty({ example: 'Espresso beans, 1 kg' })
  name: string;

  @ApiProperty({ description: 'Minor units, the catalog price when the stock was reserved.', example: 2490 })
  unitPrice: number;

  @ApiProperty({ example: 2 })
  quantity: number;

  @ApiProperty({ description: 'unitPrice × quantity, minor units.', example: 4980 })
  lineTotal: number;
}

export class OrderTransitionDto {
  @ApiPropertyOptional({
    enum: [...ORDER_STATUSES, null],
    nullable: true,
    description: 'null for the order being placed.',
  })
  from: OrderStatus | null;

  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus' })
  to: OrderStatus;

  @ApiProperty({ enum: ['customer', 'admin', 'system'], enumName: 'ActorRole' })
  actorRole: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'null when the system acted (expiry, payment webhook).',
  })
  actorId: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'expired' })
  reason: string | null;

  @ApiProperty({ format: 'date-time' })
  at: string;
}

export class OrderDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus' })
  status: OrderStatus;

  @ApiProperty({ type: [OrderItemDto] })
  items: OrderItemDto[];

  @ApiProperty({ description: 'Sum of the line totals, minor units.', example: 4980 })
  total: number;

  @ApiProperty({ description: 'ISO 4217.', example: 'USD' })
  currency: string;

  @ApiProperty({
    type: PostalAddressView,
    nullable: true,
    description:
      'A copy taken when the order was placed: editing or deleting the book entry never changes it. Null only on orders placed before addresses existed.',
  })
  shippingAddress: PostalAddressView | null;

  @ApiProperty({
    enum: [...PAYMENT_STATUSES, null],
    nullable: true,
    description: 'The status of its latest payment attempt; null before any.',
  })
  paymentStatus: PaymentStatus | null;

  @ApiProperty({ type: String, nullable: true, example: 'DHL', description: 'Set when the order shipped.' })
  carrier: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'JD014600006281230704',
    description: 'Set when the order shipped.',
  })
  trackingNumber: string | null;

  @ApiProperty({ type: [OrderTransitionDto], description: 'Every status change, oldest first.' })
  transitions: OrderTransitionDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class OrderPageDto extends PageOf(OrderDto, 'Newest first.') {}
