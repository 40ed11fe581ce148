import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsInt, Max, Min, ValidateNested } from 'class-validator';
import { IsId } from '../id.decorator';
import { Omittable } from '../omittable.decorator';

/** Most units of one product a single order may hold. */
export const MAX_LINE_QUANTITY = 1000;
export const MAX_ORDER_LINES = 100;

export class StockLineDto {
  @ApiProperty({ format: 'uuid' })
  @IsId()
  productId: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_LINE_QUANTITY, example: 2 })
  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity: number;
}

/** `catalog.stock.reserve`: all lines or none; idempotent per order id. */
export class ReserveStockDto {
  @IsId()
  orderId: string;

  @ValidateNested({ each: true })
  @Type(() => StockLineDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_LINES)
  lines: StockLineDto[];
}

/** `catalog.stock.release` and `catalog.stock.commit`. */
export class ReservationRefDto {
  @IsId()
  orderId: string;

  /**
   * Release only: also give back the stock of a committed (paid) reservation. Without it a
   * committed reservation is never released, so a late expiry or recovery job cannot undo a sale.
   */
  @Omittable()
  @IsBoolean()
  restockCommitted?: boolean;
}

export type ReservationStatus = 'reserved' | 'released' | 'committed';

/** A reserved line with the catalog's authoritative price and name at the time of reserving. */
export interface ReservedLine {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  /** Minor units. */
  unitPrice: number;
  currency: string;
}

export interface ReservationDto {
  orderId: string;
  status: ReservationStatus;
  lines: ReservedLine[];
}

/** In the problem body of INSUFFICIENT_STOCK, under `products`. */
export interface StockShortage {
  productId: string;
  requested: number;
  available: number;
}
