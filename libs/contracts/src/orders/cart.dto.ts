import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { MAX_LINE_QUANTITY, StockLineDto } from '../catalog/reservation.dto';
import { ActorDto } from './actor.dto';

/** PUT /cart/items/:productId. Zero removes the line. */
export class SetCartQuantityDto {
  @ApiProperty({ minimum: 0, maximum: MAX_LINE_QUANTITY, example: 3 })
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

export class CartDto {
  @ApiProperty({ type: [CartItemDto] })
  items: CartItemDto[];

  @ApiProperty({ description: 'Sum of the line totals at current prices, minor units.', example: 4980 })
  total: number;

  @ApiPropertyOptional({ example: 'USD', nullable: true, description: 'null for an empty cart.' })
  currency: string | null;
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
