import { IsEmail, IsIn, IsISO8601, IsString, MaxLength, MinLength } from 'class-validator';

export const ACCOUNT_EMAIL_KINDS = ['password-reset', 'email-verification'] as const;
export type AccountEmailKind = (typeof ACCOUNT_EMAIL_KINDS)[number];

/**
 * A link auth asks the notifications app to email to an account's owner. The token in it is a
 * secret for that owner alone: whoever handles this request keeps it in memory only, never in a
 * table or a log line.
 */
export class AccountEmailRequest {
  @IsIn(ACCOUNT_EMAIL_KINDS)
  kind: AccountEmailKind;

  @IsEmail()
  @MaxLength(254)
  to: string;

  @IsString()
  @MaxLength(200)
  name: string;

  /** `<id>.<secret>`, as auth issued it; the message links to the shop's page with it. */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  token: string;

  @IsISO8601()
  expiresAt: string;
}
