import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { MAX_LINE_QUANTITY, StockLineDto } from '../catalog/reservation.dto';
import { ActorDto } from './actor.dto';

/** PUT /cart/items/:productId. Zero removes the line. */
export class SetCartQuantityDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_LINE_QUANTITY, example: 3 })
  @IsInt()
  @Min(0)
  @Max(MAX_LINE_QUANTITY)
  quantity: number;
}

export class CartItemDto {
  @ApiProperty({ format: 'uuid' })
  productId: string;

  @ApiProperty({ example: 'COF-001' })
  sku: string;

  @ApiProperty({ example: 'Espresso beans, 1 kg' })
  name: string;

  @ApiProperty({ description: "The catalog's current price, minor units.", example: 2490 })
  unitPrice: number;

  @ApiProperty({ example: 'USD' })
  currency: string;

  @ApiProperty({ example: 2 })
  quantity: number;

  @ApiProperty({ description: 'unitPrice × quantity, minor units.', example: 4980 })
  lineTotal: number;

  @ApiProperty({ description: 'Units the catalog has right now.', example: 12 })
  stock: number;

  @ApiProperty({ description: 'False when the catalog has fewer units than the cart wants.' })
  inStock: boolean;
}

export class CartCurrencyTotalDto {
  @ApiProperty({ example: 'USD' })
  currency: string;

  @ApiProperty({ description: 'Sum of the line totals in this currency, minor units.', example: 4980 })
  total: number;
}

export class CartDto {
  @ApiProperty({ type: [CartItemDto] })
  items: CartItemDto[];

  @ApiProperty({
    description:
      'Sum of the line totals at current prices, minor units; 0 for an empty cart. null when the lines are in ' +
      'more than one currency (see mixedCurrencies and totals): amounts in different currencies are never added.',
    example: 4980,
    nullable: true,
    type: Number,
  })
  total: number | null;

  @ApiProperty({
    example: 'USD',
    nullable: true,
    type: String,
    description: 'The currency of total; null for an empty cart and for one in more than one currency.',
  })
  currency: string | null;

  @ApiProperty({
    description:
      'True when the lines are in more than one currency. Such a cart cannot be checked out as it is ' +
      '(one order has one currency: POST /orders answers 422 MIXED_CURRENCIES).',
    example: false,
  })
  mixedCurrencies: boolean;

  @ApiProperty({
    type: [CartCurrencyTotalDto],
    description: 'One total per currency in the cart, by currency code; empty for an empty cart.',
  })
  totals: CartCurrencyTotalDto[];
}

export class CartRequest {
  @ValidateNested()
  @Type(() => ActorDto)
  actor: ActorDto;
}

export class AddCartItemRequest extends StockLineDto {
  @ValidateNested()
  @Type(() => ActorDto)
  actor: ActorDto;
}

export class SetCartItemRequest extends SetCartQuantityDto {
  @ValidateNested()
  @Type(() => ActorDto)
  actor: ActorDto;

  @IsUUID()
  productId: string;
}

export class CartItemRefRequest extends CartRequest {
  @IsUUID()
  productId: string;
}
