import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { Omittable, OmittableOrNull } from '../omittable.decorator';
import { trimmed } from '../transforms';

/** E.164: a plus, the country code and the number, 15 digits at most, no spaces. */
export const E164 = /^\+[1-9]\d{1,14}$/;

export class NotificationPreferencesDto {
  @ApiPropertyOptional({ description: 'Order emails (placed, paid, shipped, …).', default: true })
  @Omittable()
  @IsBoolean()
  email?: boolean;

  @ApiPropertyOptional({ description: 'A text message when an order ships (needs a phone).', default: false })
  @Omittable()
  @IsBoolean()
  sms?: boolean;
}

/** What a customer may change about themselves; every field optional, `phone: null` removes it. */
export class UpdateMeDto {
  @ApiPropertyOptional({ example: 'Ada Lovelace', maxLength: 100 })
  @Omittable()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({
    type: String,
    pattern: E164.source,
    example: '+447700900123',
    nullable: true,
    description: 'E.164; null removes it.',
  })
  @OmittableOrNull()
  @IsString()
  @Matches(E164, { message: 'phone must be in E.164 form, e.g. +447700900123' })
  phone?: string | null;

  @ApiPropertyOptional({ type: NotificationPreferencesDto })
  @Omittable()
  @ValidateNested()
  @Type(() => NotificationPreferencesDto)
  notifications?: NotificationPreferencesDto;
}
