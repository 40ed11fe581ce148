/** `catalog.products.get-many`: the live products among `ids` (deleted and unknown ones are left out). */
export interface GetProductsRequest {
  ids: string[];
}
