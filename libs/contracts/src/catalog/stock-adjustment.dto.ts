import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min, MinLength, NotEquals } from 'class-validator';
import { IsId } from '../id.decorator';
import { trimmed } from '../transforms';
import { MAX_STOCK } from './product-input.dto';

export class AdjustStockDto {
  @ApiProperty({ description: 'Units to add (restock) or remove (write-off); not 0.', example: 25 })
  @IsInt()
  @NotEquals(0)
  @Min(-MAX_STOCK)
  @Max(MAX_STOCK)
  delta: number;

  @ApiProperty({ example: 'Delivery from roaster', maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  reason: string;
}

/** `catalog.products.adjust-stock`. */
export class AdjustStockRequest extends AdjustStockDto {
  @IsId()
  productId: string;
}

export class StockAdjustmentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  productId: string;

  @ApiProperty({ example: 25 })
  delta: number;

  @ApiProperty({ example: 'Delivery from roaster' })
  reason: string;

  @ApiProperty({ description: 'Stock right after this adjustment.', example: 37 })
  stockAfter: number;

  @ApiProperty({ description: 'The product version after this adjustment.', example: 4 })
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}
