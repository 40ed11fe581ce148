import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Omittable } from '../omittable.decorator';
import { trimmed } from '../transforms';

/** What a new password must be: the same rule as at registration. */
const NEW_PASSWORD = { example: 'correct horse battery staple', minLength: 8, maxLength: 128 } as const;

/** A token from an emailed link: `<id>.<secret>`, opaque to the client. */
const LINK_TOKEN = { description: 'The token from the emailed link.', minLength: 1, maxLength: 200 } as const;

/** POST /auth/change-password. */
export class ChangePasswordDto {
  @ApiProperty({ example: 'correct horse battery', minLength: 1, maxLength: 128 })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  currentPassword: string;

  @ApiProperty(NEW_PASSWORD)
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  newPassword: string;
}

export class ChangePasswordRequest extends ChangePasswordDto {
  @IsUUID()
  userId: string;

  /** The session (refresh-token family) the caller is in: it stays open, every other one is revoked. */
  @Omittable()
  @IsUUID()
  sessionId?: string;
}

/** POST /auth/password-reset. */
export class PasswordResetRequestDto {
  @ApiProperty({ example: 'ada@example.com', format: 'email', maxLength: 254 })
  @Transform(trimmed)
  @IsEmail()
  @MaxLength(254)
  email: string;
}

/** POST /auth/password-reset/confirm. */
export class PasswordResetConfirmDto {
  @ApiProperty(LINK_TOKEN)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  token: string;

  @ApiProperty(NEW_PASSWORD)
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password: string;
}

/** POST /auth/verify-email. */
export class VerifyEmailDto {
  @ApiProperty(LINK_TOKEN)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  token: string;
}

/** The answer to POST /auth/password-reset, the same whether or not the email has an account. */
export class PasswordResetAcceptedDto {
  @ApiProperty({
    example: 'If an account has this email, a link to reset its password is on its way. It works once, for 30 minutes.',
  })
  message: string;
}
