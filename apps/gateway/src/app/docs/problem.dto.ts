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
}
