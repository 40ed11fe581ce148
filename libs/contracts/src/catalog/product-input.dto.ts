import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsISO4217CurrencyCode, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { CurrencyCodes } from 'validator/lib/isISO4217';
import { IsId } from '../id.decorator';
import { Omittable, OmittableOrNull, PatchType } from '../omittable.decorator';
import { NOT_BLANK, trimmed } from '../transforms';

/** Prices and stock are int4 in the database. */
export const MAX_PRICE = 1_000_000_000;
export const MAX_STOCK = 1_000_000_000;
/** Versions are int4 too; a larger one could never match and would break the query. */
export const MAX_VERSION = 2_147_483_647;

/** The fields an admin edits. Stock is not among them: it changes only by adjustments and orders. */
export class ProductFieldsDto {
  @ApiProperty({ example: 'COF-001', pattern: '^[A-Za-z0-9._-]{1,64}$' })
  @Transform(trimmed)
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'sku must be 1-64 letters, digits, dots, dashes or underscores' })
  sku: string;

  @ApiProperty({ example: 'Espresso beans, 1 kg', ...NOT_BLANK, maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({
    example: 'Dark roast.',
    maxLength: 5000,
    default: '',
    description: 'Not null: send "" to clear it.',
  })
  @Omittable()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiProperty({
    description: 'Minor units (cents), integer ≥ 0.',
    example: 2490,
    type: 'integer',
    minimum: 0,
    maximum: MAX_PRICE,
  })
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE)
  price: number;

  @ApiPropertyOptional({ description: 'ISO 4217, any case.', example: 'USD', default: 'USD', enum: [...CurrencyCodes] })
  @Omittable()
  @IsISO4217CurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'null: in no category.' })
  @OmittableOrNull()
  @IsId()
  categoryId?: string | null;
}

export class CreateProductDto extends ProductFieldsDto {
  @ApiProperty({
    description: 'Initial stock, integer ≥ 0.',
    example: 12,
    type: 'integer',
    minimum: 0,
    maximum: MAX_STOCK,
  })
  @IsInt()
  @Min(0)
  @Max(MAX_STOCK)
  stock: number;
}

/** The editable fields as they travel to the catalog: any subset (null only where it means something), without the version. */
export class ProductChangesDto extends PatchType(ProductFieldsDto) {}

class ExpectedVersionDto {
  @ApiPropertyOptional({
    description:
      'The version you read. Required unless sent as `If-Match: "<version>"`; null is the same as leaving it out.',
    example: 3,
    type: 'integer',
    minimum: 1,
    maximum: MAX_VERSION,
    nullable: true,
  })
  @OmittableOrNull()
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version?: number | null;
}

/** PUT: every editable field; omitted optional ones are reset to their defaults. */
export class ReplaceProductDto extends IntersectionType(ProductFieldsDto, ExpectedVersionDto) {}

/** PATCH: any subset of the editable fields. */
export class UpdateProductDto extends IntersectionType(ProductChangesDto, ExpectedVersionDto) {}
