import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Min } from 'class-validator';

/** How every event that speaks of a product names it: the catalog's own, and an order's lines. */
export class ProductIdentity {
  @IsUUID()
  productId: string;

  @IsString()
  sku: string;

  @IsString()
  name: string;
}

export class ProductEventPayload extends ProductIdentity {
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
