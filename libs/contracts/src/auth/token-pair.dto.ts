import { ApiProperty } from '@nestjs/swagger';

export class TokenPairDto {
  @ApiProperty({ description: 'JWT (HS256) with `sub` and `role`; send as `Authorization: Bearer`.' })
  accessToken: string;

  @ApiProperty({ description: 'Opaque, single use: each refresh returns a new one.' })
  refreshToken: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'Access token lifetime in seconds.', example: 900 })
  expiresIn: number;
}
