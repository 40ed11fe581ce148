import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

/** One page of a list: `class ThingPageDto extends PageOf(ThingDto) {}` (Swagger names it by the subclass). */
export function PageOf<T>(item: Type<T>, order?: string) {
  class Page {
    @ApiProperty({ type: [item], description: order })
    items: T[];

    @ApiProperty({ description: 'Items matching, on every page.', example: 42 })
    total: number;

    @ApiProperty({ example: 1 })
    page: number;

    @ApiProperty({ example: 20 })
    limit: number;
  }
  return Page;
}
