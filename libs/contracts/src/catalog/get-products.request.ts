import { ArrayMaxSize } from 'class-validator';
import { IsId } from '../id.decorator';

/** `catalog.products.get-many`: the live products among `ids` (deleted and unknown ones are left out). */
export class GetProductsRequest {
  @IsId({ each: true })
  @ArrayMaxSize(200)
  ids: string[];
}
