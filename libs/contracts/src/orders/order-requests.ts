import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsString,
  IsDefined,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PostalAddressDto } from '../auth/address.dto';
import { MAX_ORDER_LINES, StockLineDto } from '../catalog/reservation.dto';
import { IsId } from '../id.decorator';
import { Omittable } from '../omittable.decorator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../page.query';
import { decimalInteger, NOT_BLANK, trimmed } from '../transforms';
import { ActorDto } from './actor.dto';
import { ORDER_STATUSES, type OrderStatus } from './order-status';

/** What the `Idempotency-Key` header may hold: short and plain, so it is safe to store and log. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * POST /orders. No `items` checks out the caller's cart. Prices are never taken from the client.
 * Exactly one of `shippingAddressId` and `shippingAddress` says where it goes.
 */
export class CreateOrderDto {
  @ApiPropertyOptional({
    type: [StockLineDto],
    minItems: 1,
    maxItems: MAX_ORDER_LINES,
    description: 'Omit to check out your cart.',
  })
  @Omittable()
  @ValidateNested({ each: true })
  @Type(() => StockLineDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_LINES)
  items?: StockLineDto[];

  @ApiPropertyOptional({ format: 'uuid', description: 'An address from your book. Either this or `shippingAddress`.' })
  @ValidateIf((dto: CreateOrderDto) => dto.shippingAddress === undefined || dto.shippingAddressId !== undefined)
  @IsDefined({ message: 'shippingAddressId or shippingAddress is required' })
  @IsId()
  @ValidateBy({
    name: 'notBesideShippingAddress',
    validator: {
      validate: (_, args) => (args?.object as CreateOrderDto).shippingAddress === undefined,
      defaultMessage: () => 'give shippingAddressId or shippingAddress, not both',
    },
  })
  shippingAddressId?: string;

  @ApiPropertyOptional({
    type: PostalAddressDto,
    description: 'Where to ship, given here. Either this or `shippingAddressId`.',
  })
  @Omittable()
  @ValidateNested()
  @Type(() => PostalAddressDto)
  shippingAddress?: PostalAddressDto;
}

export class CreateOrderRequest extends CreateOrderDto {
  @ValidateNested()
  @Type(() => ActorDto)
  actor: ActorDto;

  @Omittable()
  @IsString()
  @Matches(IDEMPOTENCY_KEY_PATTERN)
  idempotencyKey?: string;
}

export class OrderRefRequest {
  @ValidateNested()
  @Type(() => ActorDto)
  actor: ActorDto;

  @IsUUID()
  orderId: string;
}

export class ListOrdersQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100_000, default: 1 })
  @Omittable()
  @Transform(decimalInteger)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @Omittable()
  @Transform(decimalInteger)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ enum: ORDER_STATUSES, enumName: 'OrderStatus' })
  @Omittable()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Admins only; customers always see their own orders.' })
  @Omittable()
  @IsUUID()
  userId?: string;
}

export class ListOrdersRequest extends ListOrdersQuery {
  @ValidateNested()
  @Type(() => ActorDto)
  actor: ActorDto;
}

/** Both set when an order ships: whoever waits for the parcel can follow it. */
const shipmentField = (example: string) =>
  ApiPropertyOptional({
    example,
    ...NOT_BLANK,
    maxLength: 100,
    description: 'Required when status is `shipped` (400 without it); ignored otherwise.',
  });

export class SetOrderStatusDto {
  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus', example: 'shipped' })
  @IsIn(ORDER_STATUSES)
  status: OrderStatus;

  @shipmentField('DHL')
  @ValidateIf((dto: SetOrderStatusDto) => dto.status === 'shipped' || dto.carrier !== undefined)
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  carrier?: string;

  @shipmentField('JD014600006281230704')
  @ValidateIf((dto: SetOrderStatusDto) => dto.status === 'shipped' || dto.trackingNumber !== undefined)
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  trackingNumber?: string;
}

export class SetOrderStatusRequest extends SetOrderStatusDto {
  @ValidateNested()
  @Type(() => ActorDto)
  actor: ActorDto;

  @IsUUID()
  orderId: string;
}
