import { IsIn, IsUUID } from 'class-validator';
import { ROLES, type Role } from '../role';

/** Who asks, as the gateway verified it from the access token; sent with every orders message. */
export class ActorDto {
  @IsUUID()
  id: string;

  @IsIn(ROLES)
  role: Role;
}
