import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageOf } from '../page.dto';

export class CategorySummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Coffee' })
  name: string;

  @ApiProperty({ example: 'coffee' })
  slug: string;
}

export class ProductDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'COF-001' })
  sku: string;

  @ApiProperty({ example: 'Espresso beans, 1 kg' })
  name: string;

  @ApiProperty({ example: 'Dark roast.' })
  description: string;

  @ApiProperty({ description: 'Minor units (cents).', example: 2490 })
  price: number;

  @ApiProperty({ description: 'ISO 4217.', example: 'USD' })
  currency: string;

  @ApiProperty({ example: 12 })
  stock: number;

  @ApiPropertyOptional({ type: CategorySummaryDto, nullable: true })
  category: CategorySummaryDto | null;

  @ApiProperty({ description: 'Goes up by one with every change, stock included; also the ETag.', example: 3 })
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class ProductPageDto extends PageOf(ProductDto) {}
