import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Min } from 'class-validator';

export class ProductEventPayload {
  @IsUUID()
  productId: string;

  @IsString()
  sku: string;

  @IsString()
  name: string;

  /** Minor units. */
  @IsInt()
  @Min(0)
  price: number;

  @IsString()
  currency: string;

  @IsInt()
  @Min(0)
  stock: number;

  @IsInt()
  version: number;
}

export class ProductDeletedPayload {
  @IsUUID()
  productId: string;
}

export class StockChangedPayload {
  @IsUUID()
  productId: string;

  @IsInt()
  previousStock: number;

  @IsInt()
  stock: number;

  /** What moved it: an admin's adjustment reason, or `reserved`/`released` for an order. */
  @IsOptional()
  @IsString()
  reason: string | null;

  /** It just reached zero. */
  @IsBoolean()
  outOfStock: boolean;

  /** It just left zero. */
  @IsBoolean()
  backInStock: boolean;
}
