import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The body of every error response (RFC 9457). */
export class ProblemDto {
  @ApiProperty({ example: 'urn:shop:problem:validation-failed' })
  type: string;

  @ApiProperty({ example: 'Bad Request' })
  title: string;

  @ApiProperty({ example: 400 })
  status: number;

  @ApiProperty({ example: 'The request is not valid' })
  detail: string;

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine code; switch on this.' })
  code: string;

  @ApiProperty({ example: '7b0c1f9e-4a55-4c8a-9f57-0d3c4e0c8a11', description: 'Also in the X-Request-Id header.' })
  requestId: string;

  @ApiPropertyOptional({
    description: 'Per-field messages for validation failures.',
    example: { email: ['email must be an email'] },
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
  })
  errors?: Record<string, string[]>;

  @ApiPropertyOptional({
    description: 'VERSION_CONFLICT: the version the product is at now; read it again, then retry.',
    example: 4,
  })
  currentVersion?: number;

  @ApiPropertyOptional({
    description:
      'INSUFFICIENT_STOCK: each product that fell short, with what was asked and what is left. ' +
      'NOT_FOUND of an order or cart line: the ids of the unknown products.',
    example: [{ productId: '0b6f3c2e-8d1a-4f5e-9a7b-2c4d6e8f0a1b', requested: 3, available: 1 }],
    type: 'array',
    items: {
      oneOf: [
        {
          type: 'object',
          required: ['productId', 'requested', 'available'],
          properties: {
            productId: { type: 'string', format: 'uuid' },
            requested: { type: 'integer' },
            available: { type: 'integer' },
          },
        },
        { type: 'string', format: 'uuid' },
      ],
    },
  })
  products?: ({ productId: string; requested: number; available: number } | string)[];

  @ApiPropertyOptional({ description: 'STOCK_LIMIT_EXCEEDED: the stock the product has now.', example: 999_999_990 })
  stock?: number;

  @ApiPropertyOptional({
    description: 'STOCK_LIMIT_EXCEEDED: the most stock the refused change may leave.',
    example: 1_000_000_000,
  })
  maxStock?: number;
}
