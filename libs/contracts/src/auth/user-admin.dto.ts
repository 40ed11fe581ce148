import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, IsUUID, MaxLength } from 'class-validator';
import { Omittable } from '../omittable.decorator';
import { PageOf } from '../page.dto';
import { PageQuery } from '../page.query';
import { ROLES, type Role } from '../role';
import { UserDto } from './user.dto';
import { USER_STATUSES, type UserStatus } from './user-status';

/** GET /users (admin). */
export class ListUsersQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Emails starting with this, in any case.', maxLength: 254, example: 'ada@' })
  @Omittable()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsString()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @Omittable()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ enum: USER_STATUSES })
  @Omittable()
  @IsIn(USER_STATUSES)
  status?: UserStatus;
}

export class UserPageDto extends PageOf(UserDto, 'Oldest first.') {}

/** PATCH /users/:id (admin). */
export class SetUserRoleDto {
  @ApiProperty({ enum: ROLES, example: 'admin' })
  @IsIn(ROLES)
  role: Role;
}

export class UserRefRequest {
  @IsUUID()
  userId: string;
}

export class SetUserRoleRequest extends SetUserRoleDto {
  @IsUUID()
  userId: string;
}
