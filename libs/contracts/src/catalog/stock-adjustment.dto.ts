import { ApiProperty, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min, MinLength, NotEquals } from 'class-validator';
import { IsId } from '../id.decorator';
import { PageQuery } from '../page.query';
import { Omittable } from '../omittable.decorator';
import { PageOf } from '../page.dto';
import { NOT_BLANK, trimmed } from '../transforms';
import { MAX_STOCK } from './product-input.dto';

export class AdjustStockDto {
  @ApiProperty({
    description: 'Units to add (restock) or remove (write-off); not 0.',
    example: 25,
    type: 'integer',
    minimum: -MAX_STOCK,
    maximum: MAX_STOCK,
    not: { enum: [0] },
  })
  @IsInt()
  @NotEquals(0)
  @Min(-MAX_STOCK)
  @Max(MAX_STOCK)
  delta: number;

  @ApiProperty({ example: 'Delivery from roaster', ...NOT_BLANK, maxLength: 200 })
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

  /** The admin making it, as the gateway verified from the access token. */
  @Omittable()
  @IsId()
  createdBy?: string;
}

/** `catalog.products.stock-adjustments.list`: one product's adjustments, newest first. */
export class StockAdjustmentListRequest extends PageQuery {
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

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The id of the admin who made it; null for adjustments recorded before authors were.',
  })
  createdBy: string | null;

  @ApiProperty({ description: 'The product version after this adjustment.', example: 4 })
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

/** An adjustment as its product's history shows it. */
export class StockAdjustmentRecordDto extends OmitType(StockAdjustmentDto, ['version'] as const) {}

export class StockAdjustmentPageDto extends PageOf(StockAdjustmentRecordDto, 'Newest first.') {}
