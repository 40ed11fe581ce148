import { ArrayMaxSize, IsUUID } from 'class-validator';

/** `catalog.products.get-many`: the live products among `ids` (deleted and unknown ones are left out). */
export class GetProductsRequest {
  @IsUUID('all', { each: true })
  @ArrayMaxSize(200)
  ids: string[];
}
