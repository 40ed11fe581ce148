import { Type } from 'class-transformer';
import { NotificationPreferences } from '../auth/user.dto';
import { IsEmail, IsOptional, IsString, IsUUID, ValidateNested } from 'class-validator';

/** A user's contact details as they stand after the change; never a password or hash. */
export class UserEventPayload {
  @IsUUID()
  userId: string;

  @IsEmail()
  email: string;

  @IsString()
  name: string;

  /** E.164, or null. */
  @IsOptional()
  @IsString()
  phone: string | null;

  @ValidateNested()
  @Type(() => NotificationPreferences)
  notifications: NotificationPreferences;
}
