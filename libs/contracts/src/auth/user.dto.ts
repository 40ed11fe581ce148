import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { ROLES, Role } from '../role';
import { USER_STATUSES, UserStatus } from './user-status';

export class NotificationPreferences {
  @ApiProperty({ example: true })
  @IsBoolean()
  email: boolean;

  @ApiProperty({ example: false })
  @IsBoolean()
  sms: boolean;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'ada@example.com' })
  email: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role', example: Role.Customer })
  role: Role;

  @ApiProperty({ enum: USER_STATUSES, example: UserStatus.Active })
  status: UserStatus;

  @ApiProperty({ description: 'Whether the owner has used the verification link emailed at registration.' })
  emailVerified: boolean;

  @ApiPropertyOptional({ type: String, example: '+447700900123', nullable: true, description: 'E.164.' })
  phone: string | null;

  @ApiProperty({ description: 'What the user agreed to be sent: order emails, and a text when an order ships.' })
  notifications: NotificationPreferences;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}
