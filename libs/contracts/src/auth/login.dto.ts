import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { NOT_BLANK, trimmed } from '../transforms';

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com', ...NOT_BLANK, maxLength: 254 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct horse battery', minLength: 1, maxLength: 128 })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password: string;
}
