import { ApiProperty } from '@nestjs/swagger';
import { ROLES, Role } from '../role';
import { USER_STATUSES, UserStatus } from './user-status';

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'ada@example.com' })
  email: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name: string;

  @ApiProperty({ enum: ROLES, example: Role.Customer })
  role: Role;

  @ApiProperty({ enum: USER_STATUSES, example: UserStatus.Active })
  status: UserStatus;

  @ApiProperty({ description: 'Whether the owner has used the verification link emailed at registration.' })
  emailVerified: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}
