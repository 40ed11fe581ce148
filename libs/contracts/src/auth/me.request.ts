import { IsUUID } from 'class-validator';

/** `auth.me`: the profile of the user the gateway verified from the access token. */
export class MeRequest {
  @IsUUID()
  userId: string;
}
