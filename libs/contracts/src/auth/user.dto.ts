import { ApiProperty } from '@nestjs/swagger';
import { ROLES, Role } from '../role';

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'ada@example.com' })
  email: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role', example: Role.Customer })
  role: Role;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}
