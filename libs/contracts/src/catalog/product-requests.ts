import { Type } from 'class-transformer';
import { IsInt, Max, Min, ValidateNested } from 'class-validator';
import { IsId } from '../id.decorator';
import { MAX_VERSION, ProductChangesDto } from './product-input.dto';

/** Messages that address one product. */
export class ProductIdRequest {
  @IsId()
  id: string;
}

/** `catalog.products.update`: applied only if the product is still at `expectedVersion`. */
export class UpdateProductRequest {
  @IsId()
  id: string;

  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  expectedVersion: number;

  @ValidateNested()
  @Type(() => ProductChangesDto)
  changes: ProductChangesDto;
}
