import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Omittable } from '../omittable.decorator';
import { trimmed } from '../transforms';
import { MAX_PRICE } from './product-input.dto';

export const PRODUCT_SORTS = ['price', '-price', 'name', '-name', 'createdAt', '-createdAt'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];
export const MAX_PAGE_SIZE = 100;

const booleanString = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** `GET /products`. Every parameter is checked: a bad value is a 400, never silently ignored. */
export class ProductListQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 10_000, default: 1 })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'Full-text search over name and description, ranked.', example: 'espresso' })
  @Omittable()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'Category id or slug.', example: 'coffee' })
  @Omittable()
  @IsString()
  @Matches(/^[a-z0-9-]{1,100}$/, { message: 'category must be a category id or slug' })
  category?: string;

  @ApiPropertyOptional({ description: 'Minor units.', minimum: 0 })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE)
  minPrice?: number;

  @ApiPropertyOptional({ description: 'Minor units.', minimum: 0 })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE)
  maxPrice?: number;

  @ApiPropertyOptional({ description: 'Only products with stock > 0.', enum: ['true', 'false'] })
  @Omittable()
  @Transform(booleanString)
  @IsBoolean()
  inStock?: boolean;

  @ApiPropertyOptional({ enum: PRODUCT_SORTS, description: 'Default: relevance with `q`, else `-createdAt`.' })
  @Omittable()
  @IsIn(PRODUCT_SORTS)
  sort?: ProductSort;
}
