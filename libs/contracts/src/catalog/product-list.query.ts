import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Equals, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Omittable } from '../omittable.decorator';
import { PageQuery } from '../page.query';
import { decimalInteger, NOT_BLANK, trimmed } from '../transforms';
import { MAX_PRICE } from './product-input.dto';

export const PRODUCT_SORTS = ['price', '-price', 'name', '-name', 'createdAt', '-createdAt'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

const UUID_ANY_CASE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What `category` accepts, as documented: a slug in lower case, or an id in any case. */
const CATEGORY_REF_PATTERN = `^(?:[a-z0-9-]{1,100}|${UUID_ANY_CASE.source.slice(1, -1).replace(/a-f/g, 'a-fA-F')})$`;

/** Ids in any case, as everywhere else; slugs stay as sent (they are lower case by definition). */
const categoryRef = ({ value }: { value: unknown }) =>
  typeof value === 'string' && UUID_ANY_CASE.test(value) ? value.toLowerCase() : value;

/** Only 'true' becomes true: anything else stays as sent and is refused. */
const trueString = ({ value }: { value: unknown }) => (value === 'true' ? true : value);

/** `GET /products`. Every parameter is checked: a bad value is a 400, never silently ignored. */
export class ProductListQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'Full-text search over name and description, ranked; not blank.',
    example: 'espresso',
    ...NOT_BLANK,
    maxLength: 200,
  })
  @Omittable()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({
    description:
      'Category id (any case) or slug. Only products directly in that category; ' +
      'an id or slug no category has gives an empty page, not an error.',
    example: 'coffee',
    pattern: CATEGORY_REF_PATTERN,
  })
  @Omittable()
  @Transform(categoryRef)
  @IsString()
  @Matches(/^[a-z0-9-]{1,100}$/, { message: 'category must be a category id or slug' })
  category?: string;

  @ApiPropertyOptional({
    description: 'Minor units, a plain decimal integer.',
    type: 'integer',
    minimum: 0,
    maximum: MAX_PRICE,
  })
  @Omittable()
  @Transform(decimalInteger)
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE)
  minPrice?: number;

  @ApiPropertyOptional({
    description: 'Minor units, a plain decimal integer.',
    type: 'integer',
    minimum: 0,
    maximum: MAX_PRICE,
  })
  @Omittable()
  @Transform(decimalInteger)
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE)
  maxPrice?: number;

  @ApiPropertyOptional({
    description: 'Only products with stock > 0. Only `true` is accepted: leave it out to list every product.',
    enum: ['true'],
  })
  @Omittable()
  @Transform(trueString)
  @Equals(true, { message: 'inStock accepts only true; leave it out to list every product' })
  inStock?: true;

  @ApiPropertyOptional({
    enum: PRODUCT_SORTS,
    enumName: 'ProductSort',
    description: 'Default: relevance with `q`, else `-createdAt`.',
  })
  @Omittable()
  @IsIn(PRODUCT_SORTS)
  sort?: ProductSort;
}
