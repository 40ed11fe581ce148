import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { IsId } from '../id.decorator';
import { Omittable, OmittableOrNull, PatchType } from '../omittable.decorator';
import { NOT_BLANK, trimmed } from '../transforms';

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export class CategoryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Coffee' })
  name: string;

  @ApiProperty({ example: 'coffee' })
  slug: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  parentId: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class CreateCategoryDto {
  @ApiProperty({ example: 'Coffee', ...NOT_BLANK, maxLength: 100 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({
    description: 'Derived from the name when omitted; not null.',
    example: 'coffee',
    pattern: SLUG_PATTERN.source,
    maxLength: 100,
  })
  @Omittable()
  @Matches(SLUG_PATTERN, { message: 'slug must be lower-case words joined by dashes' })
  @MaxLength(100)
  slug?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'null: a top-level category.' })
  @OmittableOrNull()
  @IsId()
  parentId?: string | null;
}

export class UpdateCategoryDto extends PatchType(CreateCategoryDto) {}

/** `catalog.categories.update`. */
export class UpdateCategoryRequest {
  @IsId()
  id: string;

  @ValidateNested()
  @Type(() => UpdateCategoryDto)
  changes: UpdateCategoryDto;
}
